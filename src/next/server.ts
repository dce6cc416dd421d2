/**
 * `getSession()` for Server Components, Route Handlers and Server Actions, over
 * `next/headers`. One `Session` per request: several calls in one render share one object and
 * one unseal (memoised on the request's cookies object, which Next keeps per request and phase,
 * so the render after a Server Action reads what the action wrote).
 */
import "server-only";
import { cookies, headers } from "next/headers.js";
import { cookieObject, type CookieJar } from "../cookie-jar.js";
import type { SessionEngine } from "../engine.js";
import type { Session } from "../session.js";

type NextCookies = Awaited<ReturnType<typeof cookies>>;

/**
 * Next hands Server Components a sealed cookies object whose `set` and `delete` are the same
 * throwing function; Server Actions and Route Handlers get distinct working ones.
 */
function isWritable(store: NextCookies): boolean {
  return store.set !== store.delete;
}

function nextJar(store: NextCookies): CookieJar {
  return {
    get: (name) => store.get(name)?.value,
    set: (name, value, attributes) => store.set(cookieObject(name, value, attributes)),
  };
}

/** Builds the app's `getSession` over one engine. */
export function sessionGetter<Data extends object = Record<string, unknown>>(engine: () => SessionEngine): () => Promise<Session<Data>> {
  const perRequest = new WeakMap<NextCookies, Promise<Session<Data>>>();
  return async function getSession() {
    const store = await cookies();
    let session = perRequest.get(store);
    if (!session) {
      const writable = isWritable(store);
      // Only writes need the headers: a new session's device, and whether a Server Action
      // invoked by the page (not a no-JS form post) renders the page in its own response.
      const requestHeaders = writable ? await headers() : undefined;
      const rendersPage = requestHeaders?.has("next-action") ?? false;
      session = engine()
        .open<Data>(nextJar(store), { writable, renew: false, rendersPage, headers: requestHeaders })
        .then((opened) => opened.session);
      perRequest.set(store, session);
    }
    return session;
  };
}
