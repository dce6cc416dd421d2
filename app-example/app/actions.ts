"use server";
// Server Actions: the places (with Route Handlers and the proxy) where a session can be written.
import { redirect } from "next/navigation";
import { safeNext } from "../lib/safe-next";
import { FRESH_LOGIN_SECONDS, getSession, sessions } from "../lib/session";
import { checkCredentials } from "../lib/users";

export type LoginState = { error?: string };

export async function login(_state: LoginState, form: FormData): Promise<LoginState> {
  const username = String(form.get("username") ?? "");
  const name = checkCredentials(username, String(form.get("password") ?? ""));
  if (!name) return { error: "Wrong username or password." };
  const session = await getSession();
  // A new id at login (an id planted before login is worthless), recording a fresh login.
  await session.renew({ authenticated: true });
  session.set("userId", username);
  session.set("name", name);
  session.flash("notice", `Welcome back, ${name}!`);
  await session.save();
  redirect(safeNext(String(form.get("next") ?? "")));
}

export async function logout(): Promise<void> {
  await (await getSession()).destroy();
  redirect("/");
}

export async function addToCart(form: FormData): Promise<void> {
  const item = String(form.get("item") ?? "").trim();
  if (!item) return;
  const session = await getSession();
  session.set("cart", [...(session.get("cart") ?? []), item]);
  await session.save();
}

export async function removeFromCart(form: FormData): Promise<void> {
  const index = Number(form.get("index"));
  const session = await getSession();
  const cart = [...(session.get("cart") ?? [])];
  cart.splice(index, 1);
  session.set("cart", cart);
  await session.save();
}

export type NameState = { error?: string; needsPassword?: boolean; saved?: boolean; name?: string };

/**
 * Changes the display name; the header (a Client Component, via useSession) follows without a
 * reload. A sensitive change: it needs a login in the last five minutes, otherwise the password
 * again (which counts as a fresh login from then on).
 */
export async function rename(_state: NameState, form: FormData): Promise<NameState> {
  const session = await getSession();
  const userId = session.get("userId");
  if (!userId) return { error: "Log in first." };
  const name = String(form.get("name") ?? "").trim().slice(0, 60);
  if (!name) return { error: "Enter a name." };
  if (!session.isFresh(FRESH_LOGIN_SECONDS)) {
    const password = form.get("password");
    if (password === null) return { needsPassword: true, name };
    if (!checkCredentials(userId, String(password))) return { needsPassword: true, name, error: "Wrong password." };
    await session.renew({ authenticated: true });
  }
  session.set("name", name);
  await session.save();
  return { saved: true, name };
}

/** "Log out this device" on another device's row: ends that one session of this user. */
export async function logoutDevice(form: FormData): Promise<void> {
  const session = await getSession();
  const userId = session.get("userId");
  if (userId) await sessions.revokeSession(userId, String(form.get("handle") ?? ""));
  redirect("/devices");
}

export async function logoutOtherDevices(): Promise<void> {
  const session = await getSession();
  const userId = session.get("userId");
  if (userId && session.id) await sessions.revokeSessions(userId, { except: session.id });
  redirect("/devices");
}
