/**
 * The proxy → render handoff (src/next/handoff.ts) with Next's real NextRequest/NextResponse and
 * a memoryStore whose load calls are counted: what the proxy leaves, who may take it, and that
 * nothing else is ever trusted. The render side is the engine's `open({ handoff })`, which is
 * what getSession() calls with the taken entry (its Next wiring: test/integration/handoff.test.ts).
 */
import { NextRequest, NextResponse } from "next/server.js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { handOn, handoffHeader, take } from "../../src/next/handoff.js";
import { proxyFactory, type ProxyHandler } from "../../src/next/proxy.js";
import { memoryStore } from "../../src/stores/memory.js";
import { cookieStore } from "../../src/stores/cookie.js";
import { TestJar } from "./jar.js";
import { frozenClock, setup } from "./kit.js";

const clock = frozenClock();
const HEADER = handoffHeader("session");

beforeEach(() => {
  (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("next-session-kit.memory-store")]?.clear();
});

async function app(store = memoryStore()) {
  const kit = setup({ store, idleTimeout: 3600, renewal: { policy: "on-every-request", updateAge: 600 } });
  const login = await kit.seed({ userId: "ada" });
  const cookie = `session=${login.get("session")}`;
  const loads = vi.spyOn(store, "load");
  /** One proxy run: its response and the token it left for the render, if any. */
  const proxied = async (handler?: ProxyHandler, headers: Record<string, string> = {}) => {
    const request = new NextRequest("https://app.test/dashboard", { headers: { cookie, "user-agent": "test", ...headers } });
    const response = await proxyFactory(() => kit.engine)(handler)(request);
    return { response, token: response.headers.get(`x-middleware-request-${HEADER}`) };
  };
  /** The render: what getSession() does with the request's token. */
  const render = (token: string | null, jar = new TestJar(login.cookies)) => kit.engine.open(jar, { writable: false, renew: false, handoff: take(token, "session") });
  return { ...kit, login, loads, proxied, render, store };
}

describe("the proxy hands its read to the render of the same request", () => {
  it("the render takes it instead of loading again, with the same data", async () => {
    const { proxied, render, loads } = await app();
    const { token } = await proxied();
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(loads).toHaveBeenCalledTimes(1);
    const { session } = await render(token);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(session.get("userId")).toBe("ada");
  });

  it("forwards every request header with its own, so the render's headers stay as they were", async () => {
    const { proxied } = await app();
    const { response } = await proxied(undefined, { "accept-language": "de" });
    const listed = response.headers.get("x-middleware-override-headers")!.split(",");
    expect(listed).toEqual(expect.arrayContaining(["cookie", "user-agent", "accept-language", HEADER]));
    expect(response.headers.get("x-middleware-request-accept-language")).toBe("de");
  });

  it("adds to the headers a handler already forwards, keeping them", async () => {
    const { proxied } = await app();
    const { response, token } = await proxied((request) => {
      const headers = new Headers(request.headers);
      headers.set("x-tenant", "acme");
      return NextResponse.next({ request: { headers } });
    });
    expect(token).not.toBeNull();
    expect(response.headers.get("x-middleware-request-x-tenant")).toBe("acme");
    expect(response.headers.get("x-middleware-override-headers")!.split(",")).toEqual(expect.arrayContaining(["x-tenant", "cookie", HEADER]));
  });

  it("is taken at most once: a replayed token finds nothing, and the render loads from the store", async () => {
    const { proxied, render, loads } = await app();
    const { token } = await proxied();
    await render(token);
    const again = await render(token);
    expect(loads).toHaveBeenCalledTimes(2);
    expect(again.session.get("userId")).toBe("ada");
  });

  it("a forged or stale token is never trusted", async () => {
    const { proxied, render, loads } = await app();
    await render("AAAAAAAAAAAAAAAAAAAAAA");
    expect(loads).toHaveBeenCalledTimes(1);
    const { token } = await proxied();
    clock.advance(11); // past the 10 s an entry lives
    await render(token);
    expect(loads).toHaveBeenCalledTimes(3);
  });

  it("is bound to the cookie the proxy read: another session's cookie with this token loads its own", async () => {
    const { proxied, render, seed, loads } = await app();
    const other = await seed({ userId: "bob" });
    const { token } = await proxied();
    const { session } = await render(token, other);
    expect(session.get("userId")).toBe("bob");
    expect(loads).toHaveBeenCalledTimes(2);
  });

  it("a revocation after the handoff is seen by the next request, whose proxy reads the store", async () => {
    const { proxied, render, store } = await app();
    const { token } = await proxied();
    await render(token);
    await store.revokeSessions!("ada", []);
    const next = await proxied((_request, session) => (session.get("userId") ? undefined : NextResponse.redirect("https://app.test/login")));
    expect(next.response.status).toBe(307);
    expect(next.token).toBeNull();
  });

  it("hands nothing off when the handler changed the session, answered itself, or the store is the cookie", async () => {
    expect((await (await app()).proxied(async (_request, session) => void (await session.set("seen", 1).save()))).token).toBeNull();
    expect((await (await app()).proxied(() => NextResponse.redirect("https://app.test/login"))).token).toBeNull();
    expect((await (await app()).proxied(() => Response.json({ ok: true }))).token).toBeNull();
    expect((await (await app(cookieStore())).proxied()).token).toBeNull();
  });

  it("hands nothing off on the Edge runtime (another realm than the render's)", async () => {
    const { proxied } = await app();
    vi.stubGlobal("EdgeRuntime", "edge-runtime");
    try {
      const { response, token } = await proxied();
      expect(token).toBeNull();
      expect(response.headers.get("x-middleware-override-headers")).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a renewal in the proxy is what the render sees", async () => {
    const { proxied, render, loads } = await app();
    clock.advance(601);
    const { token } = await proxied();
    const { session } = await render(token);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(session.lastSeenAt).toBe(Date.now());
  });

  it("a Server Action hands its writes on to the render after it, and nothing while a write runs or after a destroy", async () => {
    const { proxied, engine, login, loads } = await app();
    const { token } = await proxied();
    const states: unknown[] = [];
    const onState = (state: Parameters<typeof handOn>[2]) => (states.push(state && state.record.data), handOn(token!, "session", state));
    // The action phase (what getSession() does for a writable request holding a taken token).
    const action = await engine.open(new TestJar(login.cookies), { writable: true, renew: false, handoff: take(token, "session"), onState });
    onState(action.handoff);
    await action.session.set("cart", ["tea"]).save();
    expect(states).toEqual([{ userId: "ada" }, undefined, { userId: "ada", cart: ["tea"] }]);
    // The render phase: its cookies carry what the action wrote; it loads nothing.
    const rendered = await engine.open(new TestJar(login.cookies), { writable: false, renew: false, handoff: take(token, "session") });
    expect(rendered.session.get("cart")).toEqual(["tea"]);
    expect(loads).toHaveBeenCalledTimes(1);

    handOn(token!, "session", action.handoff);
    await action.session.destroy();
    expect(take(token, "session")).toBeUndefined();
  });
});
