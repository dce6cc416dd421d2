/**
 * Flash values ride in their own short-lived sealed cookie, `<name>.flash`, never in the store:
 * the render that shows a flash is often one that cannot write cookies (a Server Component),
 * or, after a Server Action that redirects, an internal request whose Set-Cookie headers Next
 * drops. So the writer records when the flash will be shown, and the proxy retires it:
 *
 * - `"next"`: written by a Route Handler or a no-JavaScript form post. The next page request
 *   shows it; the proxy removes it from the browser in that same request.
 * - `"shown"`: written by a Server Action called from the page, whose own response renders the
 *   page (a re-render, or the redirect target, which Next fetches internally with an
 *   `x-action-redirect` header). Any later page request drops it unseen.
 */
import type { CookieAttributes, CookieJar } from "./cookie-jar.js";
import type { CookieCodec } from "./codec/cookie-codec.js";

export type FlashValues = Record<string, unknown>;
export type FlashMode = "next" | "shown";

/** How long an unread flash may wait for its page. */
const FLASH_TTL_MS = 60_000;

export const flashCookieName = (cookieName: string): string => `${cookieName}.flash`;

/**
 * `nsk: "flash"` tags the seal, so it never opens as a session (the cookie store checks `nsk`);
 * `n` binds it to its cookie, so another configuration sharing the password never shows it.
 */
interface SealedFlash {
  nsk: "flash";
  n: string;
  v: FlashValues;
  m: FlashMode;
}

/** The flash carried by the request, if its seal opens. */
export async function readFlash(jar: CookieJar, cookieName: string, codec: CookieCodec): Promise<Omit<SealedFlash, "nsk" | "n"> | undefined> {
  const name = flashCookieName(cookieName);
  const sealed = jar.get(name);
  if (!sealed) return undefined;
  const opened = await codec.unseal(sealed);
  if (!opened.ok || typeof opened.value !== "object" || opened.value === null) return undefined;
  const { nsk, n, v, m } = opened.value as Partial<SealedFlash>;
  if (nsk !== "flash" || n !== name || typeof v !== "object" || v === null || (m !== "next" && m !== "shown")) return undefined;
  return { v, m };
}

/** Writes the flash cookie, or removes it when `values` is undefined. */
export async function writeFlash(
  jar: CookieJar,
  cookieName: string,
  codec: CookieCodec,
  attributes: CookieAttributes,
  values: FlashValues | undefined,
  mode: FlashMode,
): Promise<void> {
  const name = flashCookieName(cookieName);
  if (!values) {
    jar.set(name, "", { ...attributes, maxAge: 0 });
    return;
  }
  const sealed = await codec.seal({ nsk: "flash", n: name, v: values, m: mode } satisfies SealedFlash, Date.now() + FLASH_TTL_MS);
  jar.set(name, sealed, { ...attributes, maxAge: FLASH_TTL_MS / 1000 });
}
