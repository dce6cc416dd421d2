/**
 * Compile-only tests (vitest typecheck, `tsc`): session data declared as an `interface` types
 * keys and values exactly as the same shape declared as a type alias. Every `@ts-expect-error`
 * line must be an error: a wrong key or value that compiled would fail this file.
 */
import type { NextRequest } from "next/server";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createSessions, type Session, type Sessions } from "../../src/index.js";

/** The way iron-session's docs (and most apps) declare session data. */
interface InterfaceData {
  userId?: string;
  role?: "admin" | "member";
  cart?: string[];
}

/** The same shape as a type alias, which a `Record<string, unknown>` bound already accepted. */
type AliasData = {
  userId?: string;
  role?: "admin" | "member";
  cart?: string[];
};

const password = "correct-horse-battery-staple-0001";

describe("interface SessionData {…}", () => {
  const sessions = createSessions<InterfaceData>({ password });
  const session = {} as Session<InterfaceData>;

  it("is accepted by createSessions, Session, the proxy handler and schema", () => {
    expectTypeOf(sessions).toEqualTypeOf<Sessions<InterfaceData>>();
    expectTypeOf(sessions.getSession).returns.resolves.toEqualTypeOf<Session<InterfaceData>>();
    sessions.proxy((request, handled) => {
      expectTypeOf(request).toEqualTypeOf<NextRequest>();
      expectTypeOf(handled).toEqualTypeOf<Session<InterfaceData>>();
    });
    createSessions<InterfaceData>({
      password,
      schema: z.object({ userId: z.string().optional(), role: z.enum(["admin", "member"]).optional(), cart: z.array(z.string()).optional() }),
    });
  });

  it("types keys and values as declared", () => {
    expectTypeOf(session.get("userId")).toEqualTypeOf<string | undefined>();
    expectTypeOf(session.get("role")).toEqualTypeOf<"admin" | "member" | undefined>();
    expectTypeOf(session.data).toEqualTypeOf<Readonly<Partial<InterfaceData>>>();
    expectTypeOf(session.set).parameter(0).toEqualTypeOf<"userId" | "role" | "cart">();
    expectTypeOf(session.has).parameter(0).toEqualTypeOf<"userId" | "role" | "cart">();
    expectTypeOf(session.unset).parameter(0).toEqualTypeOf<"userId" | "role" | "cart">();
  });

  it("rejects a wrong key or value", () => {
    const wrong = () => {
      // @ts-expect-error: not a key of InterfaceData
      session.get("userid");
      // @ts-expect-error: not a key of InterfaceData
      session.set("admin", true);
      // @ts-expect-error: not a key of InterfaceData
      session.has("nope");
      // @ts-expect-error: not a key of InterfaceData
      session.unset("nope");
      // @ts-expect-error: not a key of InterfaceData
      session.flash("nope", "x");
      // @ts-expect-error: "owner" is not a role
      session.set("role", "owner");
      // @ts-expect-error: userId is a string
      session.set("userId", 42);
      // @ts-expect-error: cart is a string[]
      session.flash("cart", "one item");
      // @ts-expect-error: the data is read-only
      session.data.userId = "u2";
    };
    expectTypeOf(wrong).toBeFunction();
  });
});

describe("type SessionData = {…}", () => {
  const sessions = createSessions<AliasData>({ password });
  const session = {} as Session<AliasData>;

  it("types keys and values as the interface does", () => {
    expectTypeOf(sessions.getSession).returns.resolves.toEqualTypeOf<Session<AliasData>>();
    expectTypeOf(session.get("userId")).toEqualTypeOf<string | undefined>();
    expectTypeOf(session.get("role")).toEqualTypeOf<"admin" | "member" | undefined>();
    expectTypeOf(session.data).toEqualTypeOf<Readonly<Partial<AliasData>>>();
    expectTypeOf(session.set).parameter(0).toEqualTypeOf<"userId" | "role" | "cart">();
    // Both declarations give the same session type, member for member.
    expectTypeOf<Session<AliasData>["get"]>().toEqualTypeOf<Session<InterfaceData>["get"]>();
    expectTypeOf<Session<AliasData>["set"]>().toEqualTypeOf<Session<InterfaceData>["set"]>();
    expectTypeOf<Session<AliasData>["data"]>().toEqualTypeOf<Session<InterfaceData>["data"]>();
  });

  it("rejects a wrong key or value", () => {
    const wrong = () => {
      // @ts-expect-error: not a key of AliasData
      session.get("userid");
      // @ts-expect-error: "owner" is not a role
      session.set("role", "owner");
      // @ts-expect-error: userId is a string
      session.set("userId", 42);
    };
    expectTypeOf(wrong).toBeFunction();
  });
});

describe("what is not session data", () => {
  it("a primitive is refused; no type argument means any string key", () => {
    // @ts-expect-error: session data is an object
    createSessions<string>({ password });
    const untyped = {} as Session;
    expectTypeOf(untyped.get("anything")).toEqualTypeOf<unknown>();
  });
});
