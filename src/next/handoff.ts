/**
 * The proxy's read of a server-side session, handed to the same request's render, Route Handler
 * or Server Action so `getSession()` does not ask the store again (one round trip per page).
 *
 * Under `next start` a Next 16 `proxy.ts` runs in the same process and realm as the render, so
 * the proxy leaves the record here under a fresh random token and passes the token on as a
 * request header, through Next's request-header override (the `x-middleware-request-*`
 * headers `NextResponse.next({ request: { headers } })` uses), which reaches the render and
 * never the browser. A token is worth nothing outside that: it is 128 random bits, taken at
 * most once, only for the cookie value the proxy read, and only for a few seconds; any token a
 * client sends, replays or lets go stale finds nothing, and the render reads the store as
 * without a handoff. Where proxy and render do not share a realm (an Edge `middleware.ts`),
 * nothing is handed off.
 */
import type { NextResponse } from "next/server.js";
import { bytesToBase64url } from "../codec/base64url.js";
import type { SessionRecord } from "../stores/types.js";

/** What the proxy read: the store key, its record (renewed, if it was), and the cookie value it came with. */
export interface Handoff {
  key: string;
  record: SessionRecord;
  cookie: string;
}

interface Entry extends Handoff {
  cookieName: string;
  expiresAt: number;
}

/** Long enough for a slow render to start, short enough that nothing lingers. */
const TTL_MS = 10_000;
/** Renders that never read the session leave their entry: past this many, hand off nothing. */
const MAX_ENTRIES = 10_000;
const OVERRIDE = "x-middleware-override-headers";
const REQUEST_HEADER = "x-middleware-request-";

const registry = (): Map<string, Entry> =>
  ((globalThis as Record<symbol, Map<string, Entry>>)[Symbol.for("next-session-kit.handoff")] ??= new Map());

/** The request header carrying the token of the session under `cookieName`. */
export const handoffHeader = (cookieName: string) => `x-next-session-kit-${cookieName.toLowerCase()}`;

/** False on the Edge runtime: its sandbox is not the render's realm, so a handoff would never be taken. */
function sharesRealmWithRender(): boolean {
  return typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime !== "string";
}

function sweep(entries: Map<string, Entry>, now: number): void {
  for (const [token, entry] of entries) {
    if (entry.expiresAt > now) break; // insertion order is expiry order
    entries.delete(token);
  }
}

/**
 * Leaves `handoff` for the render of the request `response` passes on (a pass-through or a
 * rewrite), adding its token to the request headers Next forwards; does nothing when the
 * response answers the request itself (a redirect, JSON) or no render shares this realm.
 */
export function offer(response: NextResponse, requestHeaders: Headers, cookieName: string, handoff: Handoff): void {
  const headers = response.headers;
  if (!sharesRealmWithRender() || !(headers.has("x-middleware-next") || headers.has("x-middleware-rewrite"))) return;
  const entries = registry();
  const now = Date.now();
  sweep(entries, now);
  if (entries.size >= MAX_ENTRIES) return;
  const token = bytesToBase64url(crypto.getRandomValues(new Uint8Array(16)));
  entries.set(token, { ...handoff, cookieName, expiresAt: now + TTL_MS });
  const name = handoffHeader(cookieName);
  // Next replaces the render's request headers with exactly the listed ones: list them all
  // (unless a handler or another configuration already did), then ours.
  const listed = headers.get(OVERRIDE);
  const names = listed === null ? forwardAll(headers, requestHeaders, name) : listed.split(",").map((key) => key.trim()).filter((key) => key !== name);
  headers.set(REQUEST_HEADER + name, token);
  headers.set(OVERRIDE, [...names, name].join(","));
}

/** Lists every header of the request (as it now is: the proxy's cookie changes included) as forwarded. */
function forwardAll(headers: Headers, requestHeaders: Headers, skip: string): string[] {
  const names: string[] = [];
  for (const [key, value] of requestHeaders) {
    if (key === skip) continue;
    headers.set(REQUEST_HEADER + key, value);
    names.push(key);
  }
  return names;
}

/**
 * Puts the session's state back under a token just taken (`undefined`: nothing), for the next
 * phase of the same request: a Server Action's request renders the page after the action, with
 * its own `cookies()`, and that render should see what the action wrote without a store read.
 */
export function handOn(token: string, cookieName: string, state: Handoff | undefined): void {
  const entries = registry();
  entries.delete(token); // re-inserted last: insertion order stays expiry order
  if (state && entries.size < MAX_ENTRIES) entries.set(token, { ...state, cookieName, expiresAt: Date.now() + TTL_MS });
}

/** The handoff under `token` for `cookieName`, at most once; undefined for anything not live. */
export function take(token: string | null, cookieName: string): Handoff | undefined {
  if (!token) return undefined;
  const entries = registry();
  const entry = entries.get(token);
  if (!entry) return undefined;
  entries.delete(token);
  if (entry.cookieName !== cookieName || entry.expiresAt <= Date.now()) return undefined;
  return { key: entry.key, record: entry.record, cookie: entry.cookie };
}
