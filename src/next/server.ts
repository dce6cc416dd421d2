/**
 * `getSession()` for Server Components, Route Handlers and Server Actions, over
 * `next/headers`. One `Session` per request: several calls in one render share one object and
 * one unseal (memoised on the request's cookies object, which Next keeps per request and phase,
 * so the render after a Server Action reads what the action wrote). A session the proxy just
 * read from a server-side store is taken over instead of read again (handoff.ts), once.
 */
import "server-only";
import { cookies, headers } from "next/headers.js";
import { cookieObject, type CookieJar } from "../cookie-jar.js";
import type { SessionEngine } from "../engine.js";
import type { Session } from "../session.js";
import { handOn, handoffHeader, take, type Handoff } from "./handoff.js";
import { proxySetCookies } from "./proxy-sent.js";

type NextCookies = Awaited<ReturnType<typeof cookies>>;

/**
 * Next hands Server Components a sealed cookies object whose `set` and `delete` are the same
 * throwing function; Server Actions and Route Handlers get distinct working ones.
 */
function isWritable(store: NextCookies): boolean {
  return store.set !== store.delete;
}

/** `sentByProxy`: a write of the value the proxy already sent would only repeat it (proxy-sent.ts). */
function nextJar(store: NextCookies, sentByProxy: ReadonlyMap<string, string>): CookieJar {
  return {
    get: (name) => store.get(name)?.value,
    set: (name, value, attributes) => {
      if (sentByProxy.get(name) !== value) store.set(cookieObject(name, value, attributes));
    },
  };
}

/** Builds the app's `getSession` over one engine. */
export function sessionGetter<Data extends object = Record<string, unknown>>(engine: () => SessionEngine): () => Promise<Session<Data>> {
  const perRequest = new WeakMap<NextCookies, Promise<Session<Data>>>();
  async function open(store: NextCookies): Promise<Session<Data>> {
    const writable = isWritable(store);
    const { cookieName, store: sessionStore } = engine();
    // The request headers serve a handoff (server-side stores only) and writes; a Server
    // Component on the cookie store, the common page, reads none (one `headers()` less each).
    const requestHeaders = writable || sessionStore.serverSide ? await headers() : undefined;
    // What this request's proxy read, if it left it here (see handoff.ts).
    const token = requestHeaders?.get(handoffHeader(cookieName)) ?? null;
    const handoff = take(token, cookieName);
    // A Server Action's render phase comes next, with cookies of its own: it takes over what
    // this phase read and wrote. Only for a token the proxy really issued (it was taken).
    const onState = writable && handoff && token ? (state: Handoff | undefined) => handOn(token, cookieName, state) : undefined;
    // Only writes need the rest: a new session's device, and whether a Server Action invoked
    // by the page (not a no-JS form post) renders the page in its own response.
    const rendersPage = writable && requestHeaders?.has("next-action") === true;
    const jar = nextJar(store, proxySetCookies(requestHeaders));
    const opened = await engine().open<Data>(jar, { writable, renew: false, rendersPage, headers: writable ? requestHeaders : undefined, handoff, onState });
    onState?.(opened.handoff);
    return opened.session;
  }
  return async function getSession() {
    const store = await cookies();
    let session = perRequest.get(store);
    if (!session) {
      // Memoised before anything else is awaited: the page and its parallel slots call this concurrently.
      session = open(store);
      perRequest.set(store, session);
    }
    return session;
  };
}
