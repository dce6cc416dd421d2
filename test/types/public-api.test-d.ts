/**
 * Compile-only tests (vitest typecheck, `tsc`) of the public API against the real `next` types:
 * what an app writes in lib/session.ts, proxy.ts, pages and actions. Next 15 and 16 declare
 * `NextRequest`, `NextResponse` and `NextMiddleware` (`NextProxy` in 16) alike, so these hold
 * for both. Every `@ts-expect-error` line must be an error: a wrong key, value or return type
 * that compiled would fail this file.
 */
import type { NextMiddleware, NextProxy, NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { describe, expectTypeOf, it } from "vitest";
import {
  combineProxies,
  createSessions,
  SessionConfigError,
  SessionError,
  SessionReadOnlyError,
  SessionStoreError,
  SessionTooLargeError,
  SessionUnsupportedError,
  SessionValidationError,
  type ProxyFunction,
  type ProxyHandler,
  type Session,
  type SessionStatus,
} from "../../src/index.js";

type Data = { userId?: string; role?: "admin" | "member"; cart?: string[] };

/** The configuration every app writes once, destructured as the README shows. */
const sessions = createSessions<Data>({ password: "correct-horse-battery-staple-0001" });
export const { getSession, proxy } = sessions;

describe("destructured getSession and proxy", () => {
  it("keep their types when taken off the sessions object", () => {
    expectTypeOf(getSession).toEqualTypeOf<() => Promise<Session<Data>>>();
    expectTypeOf(proxy).parameter(0).toEqualTypeOf<ProxyHandler<Data> | undefined>();
    expectTypeOf(proxy).returns.toEqualTypeOf<ProxyFunction>();
  });

  it("proxy() is what Next accepts as the default export of proxy.ts and middleware.ts", () => {
    expectTypeOf(proxy()).toExtend<NextProxy>();
    expectTypeOf(proxy()).toExtend<NextMiddleware>();
    expectTypeOf(combineProxies(proxy(), proxy())).toExtend<NextProxy>();
    expectTypeOf(proxy()).returns.resolves.toEqualTypeOf<Response>();
  });
});

describe("the session from getSession()", () => {
  it("types get/set keys and values, data and the metadata", async () => {
    const session = await getSession();
    expectTypeOf(session.get("userId")).toEqualTypeOf<string | undefined>();
    expectTypeOf(session.get("cart")).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(session.set("role", "admin")).toEqualTypeOf<Session<Data>>();
    expectTypeOf(session.set<"cart">).parameter(1).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(session.data).toEqualTypeOf<Readonly<Partial<Data>>>();
    expectTypeOf(session.data.role).toEqualTypeOf<"admin" | "member" | undefined>();
    expectTypeOf(session.status).toEqualTypeOf<SessionStatus>();
    expectTypeOf(session.id).toEqualTypeOf<string | undefined>();
    expectTypeOf(session.expiresAt).toEqualTypeOf<number>();
    expectTypeOf(session.authenticatedAt).toEqualTypeOf<number | undefined>();
    expectTypeOf(session.save()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(session.renew).parameter(0).toEqualTypeOf<{ authenticated?: boolean } | undefined>();
  });

  it("rejects a wrong key or value", async () => {
    const session = await getSession();
    const wrong = () => {
      // @ts-expect-error: "user" is not a key of Data
      session.get("user");
      // @ts-expect-error: "user" is not a key of Data
      session.set("user", "u1");
      // @ts-expect-error: userId is a string
      session.set("userId", 1);
      // @ts-expect-error: cart is a string[], not a string
      session.set("cart", "one item");
      // @ts-expect-error: "owner" is not a role
      session.flash("role", "owner");
      // @ts-expect-error: the data is read-only
      session.data.cart = [];
      // @ts-expect-error: the status is read-only
      session.status = "purged";
      // @ts-expect-error: a number of seconds
      session.isFresh("1h");
    };
    expectTypeOf(wrong).toBeFunction();
  });
});

describe("proxy handler", () => {
  it("receives Next's request and the typed session", () => {
    proxy((request, session) => {
      expectTypeOf(request).toEqualTypeOf<NextRequest>();
      expectTypeOf(session).toEqualTypeOf<Session<Data>>();
      expectTypeOf(session.get("role")).toEqualTypeOf<"admin" | "member" | undefined>();
    });
  });

  it("may return a NextResponse, a Response, nothing, or a promise of one", () => {
    proxy((request) => NextResponse.redirect(new URL("/login", request.url)));
    proxy((request) => NextResponse.rewrite(new URL("/maintenance", request.url)));
    proxy(() => NextResponse.next());
    proxy((request) => Response.redirect(new URL("/login", request.url)));
    proxy(() => Response.json({ error: "forbidden" }, { status: 403 }));
    proxy(() => undefined);
    proxy(() => {});
    proxy(async (request, session) => {
      if (!session.get("userId")) return NextResponse.redirect(new URL("/login", request.url));
    });
    proxy(async () => new Response("ok"));
    expectTypeOf<ProxyHandler<Data>>().returns.toEqualTypeOf<Response | void | undefined | Promise<Response | void | undefined>>();
  });

  it("refuses what is not a response, and a wrong key in the handler", () => {
    const wrong = () => {
      // @ts-expect-error: a URL string is not a response
      proxy(() => "/login");
      // @ts-expect-error: a plain object is not a response
      proxy(async () => ({ status: 302 }));
      proxy((_request, session) => {
        // @ts-expect-error: "userid" is not a key of Data
        session.get("userid");
      });
    };
    expectTypeOf(wrong).toBeFunction();
  });
});

describe("errors", () => {
  // Classes compare structurally here; test/unit/errors.test.ts checks the real prototype chain.
  it("every error class is a SessionError and an Error", () => {
    expectTypeOf<SessionError>().toExtend<Error>();
    expectTypeOf<SessionConfigError>().toExtend<SessionError>();
    expectTypeOf<SessionReadOnlyError>().toExtend<SessionError>();
    expectTypeOf<SessionStoreError>().toExtend<SessionError>();
    expectTypeOf<SessionTooLargeError>().toExtend<SessionError>();
    expectTypeOf<SessionUnsupportedError>().toExtend<SessionError>();
    expectTypeOf<SessionValidationError>().toExtend<SessionError>();
    expectTypeOf<SessionConfigError["missing"]>().toEqualTypeOf<boolean>();
    expectTypeOf<SessionValidationError["issues"][number]["message"]>().toEqualTypeOf<string>();
  });

  it("instanceof narrows an unknown catch value", () => {
    const caught: unknown = undefined;
    if (caught instanceof SessionConfigError) expectTypeOf(caught).toEqualTypeOf<SessionConfigError>();
    if (caught instanceof SessionError) expectTypeOf(caught.message).toEqualTypeOf<string>();
  });
});
