"use server";
// Server Actions: the places (with Route Handlers and the proxy) where a session can be written.
import { redirect } from "next/navigation";
import { getSession, sessions } from "../lib/session";
import { checkCredentials } from "../lib/users";

export type LoginState = { error?: string };

export async function login(_state: LoginState, form: FormData): Promise<LoginState> {
  const username = String(form.get("username") ?? "");
  const name = checkCredentials(username, String(form.get("password") ?? ""));
  if (!name) return { error: "Wrong username or password." };
  const session = await getSession();
  await session.renew(); // a new id at login: an id planted before login is worthless
  session.set("userId", username);
  session.set("name", name);
  session.flash("notice", `Welcome back, ${name}!`);
  await session.save();
  const next = String(form.get("next") ?? "");
  redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard");
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

export async function logoutOtherDevices(): Promise<void> {
  const session = await getSession();
  const userId = session.get("userId");
  if (userId && session.id) await sessions.revokeSessions(userId, { except: session.id });
  redirect("/devices");
}

/** Changes the display name; the header (a Client Component, via useSession) follows without a reload. */
export async function rename(form: FormData): Promise<void> {
  const name = String(form.get("name") ?? "").trim();
  const session = await getSession();
  if (!name || !session.get("userId")) return;
  session.set("name", name);
  await session.save();
}
