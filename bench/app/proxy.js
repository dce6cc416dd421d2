// One proxy for the bench app, dispatching by path (/authjs goes to Auth.js's own `auth`,
// /betterauth to better-auth's documented cookie check). /plain is not matched (no proxy at all);
// /proxied is matched and passed through untouched with `NextResponse.next()`, as the library's
// proxy passes a steady-state request on: the cost of a proxy without session work.
import { getSessionCookie } from "better-auth/cookies";
import { getIronSession, nextProxyCookies } from "iron-session";
import { NextResponse } from "next/server";
import { auth } from "./lib/authjs";
import { ironOptions } from "./lib/iron";
import { kv, kvFailure } from "./lib/kv";
import { ours } from "./lib/ours";
import { redis, redisFailure } from "./lib/redis";

const oursProxy = ours.proxy();
const kvProxy = kv?.proxy();
const redisProxy = redis?.proxy();

/** iron-session's rolling session: open, and re-seal with a fresh expiry on every request. */
async function ironProxy(request) {
  const response = NextResponse.next();
  const session = await getIronSession(nextProxyCookies(request, response), ironOptions);
  if (session.userId) await session.save();
  return response;
}

/**
 * better-auth's recommended proxy: an optimistic redirect when no session cookie is present (it
 * does not validate it; the page's `auth.api.getSession` does).
 */
function betterAuthProxy(request) {
  if (!getSessionCookie(request)) return NextResponse.redirect(new URL("/", request.url));
  return NextResponse.next();
}

export default async function proxy(request) {
  const path = request.nextUrl.pathname;
  if (path.startsWith("/ours")) return oursProxy(request);
  if (path.startsWith("/iron")) return ironProxy(request);
  if (path.startsWith("/kv")) return kvProxy ? kvProxy(request) : new Response(`kv store unavailable: ${kvFailure?.message}`, { status: 503 });
  if (path.startsWith("/redis")) return redisProxy ? redisProxy(request) : new Response(`redis store unavailable: ${redisFailure?.message}`, { status: 503 });
  // Auth.js's documented `export { auth as middleware }`: its auth() called with the request.
  if (path.startsWith("/authjs")) return auth(request);
  if (path.startsWith("/betterauth")) return betterAuthProxy(request);
  return NextResponse.next();
}

export const config = { matcher: ["/proxied", "/ours", "/iron", "/kv", "/redis", "/authjs", "/betterauth", "/kv-action", "/redis-action"] };
