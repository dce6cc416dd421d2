/**
 * The Next.js `proxy.ts` (Next 16) / `middleware.ts` (Next 15, Edge) handler: renews live
 * sessions, purges dead ones, and makes both visible to the rest of the same request. Runs on
 * Node and Edge alike, so nothing here (or below it) imports from `node:`.
 *
 * Same-request visibility: cookies set through `NextResponse#cookies` are merged by Next into
 * what `cookies()` returns during that request's render; a raw `Set-Cookie` header is not.
 * So every change goes to the returned response through its cookie API, and to
 * `request.cookies` for the inner handler (and any `NextResponse.next({ request })` it builds).
 * The one deliberate raw header: retiring a flash the render must still show.
 */
import { NextResponse, type NextRequest } from "next/server.js";
import { cookieObject, type CookieAttributes, type CookieJar } from "../cookie-jar.js";
import type { SessionEngine } from "../engine.js";
import { SessionStoreError } from "../errors.js";
import { flashCookieName } from "../flash.js";
import type { Session } from "../session.js";
import { traced, type Outcome } from "../telemetry.js";
import { offer } from "./handoff.js";
import { isCrossOriginWrite } from "./origin-check.js";

/** App logic run after renewal; return a response (redirect, rewrite, JSON) or nothing. */
export type ProxyHandler<Data extends object = Record<string, unknown>> = (
  request: NextRequest,
  session: Session<Data>,
) => Response | void | undefined | Promise<Response | void | undefined>;

/** The function to export from `proxy.ts` / `middleware.ts`. */
export type ProxyFunction = (request: NextRequest) => Promise<Response>;

/**
 * What `combineProxies` needs from a proxy of this library: its cookie's name, and the same
 * proxy with `inner` in place of the plain pass-through (see combine.ts).
 */
export interface ProxyPart {
  cookieName(): string;
  withInner(inner: ProxyFunction): ProxyFunction;
}

/** Where a proxy built here keeps its `ProxyPart` (not enumerable, not part of the API). */
export const PROXY_PART = Symbol.for("next-session-kit.proxy-part");

/** The pass-through of a request no handler answered: the next combined proxy, or Next's. */
async function passThrough(request: NextRequest, inner: ProxyFunction | undefined): Promise<NextResponse> {
  return inner ? asNextResponse(await inner(request)) : NextResponse.next();
}

/** `browserOnly`: sent as a raw Set-Cookie, which Next does not merge into this request's render. */
type CookieWrite = { name: string; value: string; attributes: CookieAttributes; browserOnly?: boolean };

/**
 * Browser prefetches (speculation rules, `<link rel=prefetch>`) may never be followed by a
 * visit: they renew nothing and retire no flash. (Next strips its own router's prefetch header
 * before the proxy runs; those requests renew like any other, at most once per `updateAge`.)
 */
function isPrefetch(request: NextRequest): boolean {
  const h = request.headers;
  return h.get("purpose") === "prefetch" || h.get("sec-purpose")?.includes("prefetch") === true;
}

/** Page requests (not prefetches): the ones whose render shows a flash. */
function isPageMethod(request: NextRequest): boolean {
  return request.method === "GET" || request.method === "HEAD";
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

const toCookie = ({ name, value, attributes }: CookieWrite) => cookieObject(name, value, attributes);

/**
 * A NextResponse carrying `response`'s status, headers and body: responses built with
 * `Response.redirect()` or `Response.json()` have immutable headers and no cookie API.
 */
function asNextResponse(response: Response): NextResponse {
  if (response instanceof NextResponse) return response;
  return new NextResponse(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
}

/** Set-Cookie headers appended raw after the response was built: its cookie API never parsed them. */
function rawSetCookies(response: NextResponse): string[] {
  const parsed = new Set(response.cookies.getAll().map((cookie) => cookie.name));
  return response.headers.getSetCookie().filter((header) => !parsed.has(header.slice(0, header.indexOf("="))));
}

/**
 * The Set-Cookie line of a write, serialised by Next's own cookie API like every other write
 * here, but on a response of its own: the one it is appended to never parses it.
 */
function setCookieLine(write: CookieWrite): string {
  const carrier = new NextResponse(null);
  carrier.cookies.set(toCookie(write));
  return carrier.headers.get("set-cookie")!;
}

function applyWrites(response: NextResponse, writes: Map<string, CookieWrite>): NextResponse {
  if (writes.size === 0) return response;
  const all = [...writes.values()];
  const viaApi = all.filter((w) => !w.browserOnly);
  if (viaApi.length > 0) {
    // `cookies.set` rewrites every Set-Cookie header it did not parse (such as a combined
    // proxy's raw flash removal): put those back after it.
    const raw = rawSetCookies(response);
    for (const write of viaApi) response.cookies.set(toCookie(write));
    for (const header of raw) response.headers.append("set-cookie", header);
  }
  for (const write of all.filter((w) => w.browserOnly)) response.headers.append("set-cookie", setCookieLine(write));
  response.headers.set("Cache-Control", "private, no-store");
  return response;
}

/**
 * A flash is shown by exactly one page (see flash.ts): "next" is shown by this request and
 * removed from the browser; "shown" was already rendered by a Server Action's response, so it
 * is dropped unseen, except in the internal request Next makes to render an action's redirect.
 */
async function retireFlash(engine: SessionEngine, request: NextRequest, jar: CookieJar, writes: Map<string, CookieWrite>) {
  // Nearly every request carries no flash: no unseal, no await for it.
  if (!jar.get(flashCookieName(engine.cookieName))) return;
  const mode = await engine.flashMode(jar);
  if (mode === "next") {
    await engine.removeFlash({ get: jar.get, set: (name, value, attributes) => writes.set(name, { name, value, attributes, browserOnly: true }) });
  } else if (mode === "shown" && !request.headers.has("x-action-redirect")) {
    await engine.removeFlash(jar);
  }
}

/**
 * The store failed: the cookie is left alone (nothing is lost) and the page, if it reads the
 * session, reports the error. The handler still runs, on a session that reads as empty and
 * refuses writes: a gate that lets through only sessions with a user fails closed, instead of
 * serving pages that trust it to anyone with a validly signed cookie.
 */
async function storeDown<Data extends object>(
  engine: SessionEngine,
  request: NextRequest,
  error: SessionStoreError,
  handler: ProxyHandler<Data> | undefined,
  inner: ProxyFunction | undefined,
) {
  const result = handler ? await handler(request, engine.unavailable<Data>(error)) : undefined;
  return result ? asNextResponse(result) : passThrough(request, inner);
}

/**
 * The 403 for an unsafe cross-origin request carrying the session cookie (see origin-check.ts),
 * sent before anything else runs: no store call, no handler, no cookie change.
 */
function refuseCrossOrigin(engine: SessionEngine, request: NextRequest, jar: CookieJar): Response | undefined {
  const policy = engine.originCheck;
  // The method first: a GET is never refused, and needs no look at its cookies.
  if (!policy || !isCrossOriginWrite(request, policy.allowedOrigins) || !engine.carriesSession(jar)) return undefined;
  engine.report({ type: "cross-origin-refused", reason: request.method });
  return new NextResponse("Cross-origin request refused: this request carries a session cookie but comes from another origin.", {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" },
  });
}

/** Builds `proxy(handler?)` over one engine. */
export function proxyFactory<Data extends object = Record<string, unknown>>(engine: () => SessionEngine) {
  return function proxy(handler?: ProxyHandler<Data>): ProxyFunction {
    return withPart(handler, undefined);
  };

  /** The proxy of `handler`; `inner` answers what the handler lets through (combineProxies). */
  function withPart(handler: ProxyHandler<Data> | undefined, inner: ProxyFunction | undefined): ProxyFunction {
    const part: ProxyPart = { cookieName: () => engine().cookieName, withInner: (next) => withPart(handler, next) };
    return Object.defineProperty(sessionProxy, PROXY_PART, { value: part });

    /** One span per run (when @opentelemetry/api is installed): store kind, outcome, duration. */
    async function sessionProxy(request: NextRequest): Promise<Response> {
      const trace = { outcome: "new" as Outcome };
      return traced("next-session-kit.proxy", engine().store.kind ?? "custom", () => run(request, trace), () => trace.outcome, (error) => error instanceof SessionStoreError);
    }

    async function run(request: NextRequest, trace: { outcome: Outcome }): Promise<Response> {
      const current = engine();
      const writes = new Map<string, CookieWrite>();
      const jar = proxyJar(request, writes);
      const prefetch = isPrefetch(request);
      const refused = refuseCrossOrigin(current, request, jar);
      if (refused) {
        trace.outcome = "refused";
        return refused;
      }
      let opened;
      try {
        opened = await current.open<Data>(jar, { writable: true, renew: !prefetch, headers: request.headers });
      } catch (error) {
        if (!(error instanceof SessionStoreError)) throw error;
        trace.outcome = "store-error";
        return storeDown(current, request, error, handler, inner);
      }
      trace.outcome = opened.stale ? "purged" : opened.renewed ? "renewed" : opened.session.isNew ? "new" : "hit";
      if (opened.stale) await opened.purge();
      if (isPageMethod(request) && !prefetch) await retireFlash(current, request, jar, writes);
      const result = handler ? await handler(request, opened.session) : undefined;
      // The cookie API carries every change to the render; a server-side session read here is
      // handed over too, unless the handler changed it (the render then reads what it wrote).
      const response = applyWrites(result ? asNextResponse(result) : await passThrough(request, inner), writes);
      if (opened.handoff && opened.session.status === "unchanged") offer(response, request.headers, current.cookieName, opened.handoff);
      return response;
    }
  }
}
