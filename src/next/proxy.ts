/**
 * The Next.js `proxy.ts` (Next 16) / `middleware.ts` (Next 15, Edge) handler: renews live
 * sessions, purges dead ones, and makes both visible to the rest of the same request. Runs on
 * Node and Edge alike, so nothing here (or below it) imports from `node:`.
 *
 * Same-request visibility: cookies set through `NextResponse#cookies` are merged by Next into
 * what `cookies()` returns during that request's render; a raw `Set-Cookie` header is not.
 * So every change is applied to `request.cookies` (seen by the inner handler and by any
 * `NextResponse.next({ request })` it builds) and to the returned response via its cookie API.
 */
import { NextResponse, type NextRequest } from "next/server.js";
import type { CookieAttributes, CookieJar } from "../cookie-jar.js";
import type { SessionEngine } from "../engine.js";
import { SessionStoreError } from "../errors.js";
import type { Session } from "../session.js";

/** App logic run after renewal; return a response (redirect, rewrite, JSON) or nothing. */
export type ProxyHandler<Data extends Record<string, unknown>> = (
  request: NextRequest,
  session: Session<Data>,
) => Response | void | undefined | Promise<Response | void | undefined>;

/** The function to export from `proxy.ts` / `middleware.ts`. */
export type ProxyFunction = (request: NextRequest) => Promise<Response>;

type CookieWrite = { name: string; value: string; attributes: CookieAttributes };

/** Prefetches may never be followed by a visit: they renew nothing and cost no store write. */
function isPrefetch(request: NextRequest): boolean {
  const h = request.headers;
  return h.get("next-router-prefetch") === "1" || h.get("purpose") === "prefetch" || h.get("sec-purpose")?.includes("prefetch") === true;
}

/** Records writes and mirrors them into the request so later reads see them. */
function proxyJar(request: NextRequest, writes: Map<string, CookieWrite>): CookieJar {
  return {
    get: (name) => request.cookies.get(name)?.value || undefined,
    set: (name, value, attributes) => {
      writes.set(name, { name, value, attributes });
      if (attributes.maxAge === 0) request.cookies.delete(name);
      else request.cookies.set(name, value);
    },
  };
}

function toCookie({ name, value, attributes }: CookieWrite) {
  const { maxAge, domain, ...rest } = attributes;
  return {
    name,
    value,
    ...rest,
    ...(domain === undefined ? {} : { domain }),
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(maxAge === 0 ? { expires: new Date(0) } : {}),
  };
}

/**
 * A NextResponse carrying `response`'s status, headers and body: responses built with
 * `Response.redirect()` or `Response.json()` have immutable headers and no cookie API.
 */
function asNextResponse(response: Response): NextResponse {
  if (response instanceof NextResponse) return response;
  return new NextResponse(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
}

function applyWrites(response: NextResponse, writes: Map<string, CookieWrite>): NextResponse {
  if (writes.size === 0) return response;
  for (const write of writes.values()) response.cookies.set(toCookie(write));
  response.headers.set("Cache-Control", "private, no-store");
  return response;
}

/** The default pass-through, built after the request cookies were updated. */
function next(request: NextRequest): NextResponse {
  return NextResponse.next({ request: { headers: request.headers } });
}

/** Builds `proxy(handler?)` over one engine. */
export function proxyFactory<Data extends Record<string, unknown>>(engine: () => SessionEngine) {
  return function proxy(handler?: ProxyHandler<Data>): ProxyFunction {
    return async function sessionProxy(request: NextRequest): Promise<Response> {
      const writes = new Map<string, CookieWrite>();
      const jar = proxyJar(request, writes);
      let opened;
      try {
        opened = await engine().open<Data>(jar, { writable: true, renew: !isPrefetch(request) });
      } catch (error) {
        // Store down: leave the cookie alone and let the page report it (nothing is lost).
        if (error instanceof SessionStoreError) return next(request);
        throw error;
      }
      if (opened.stale) await opened.purge();
      const result = handler ? await handler(request, opened.session) : undefined;
      return applyWrites(result ? asNextResponse(result) : next(request), writes);
    };
  };
}
