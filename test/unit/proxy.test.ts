/**
 * The proxy function itself, driven with Next's real `NextRequest` (no server): what its
 * handler writes, and what a plain `Response` it returns carries, reach the response's
 * Set-Cookie headers; a purge removes every cookie with the attributes it was written with.
 */
import { parseSetCookie, type SetCookie } from "cookie";
import { NextRequest } from "next/server.js";
import { describe, expect, it } from "vitest";
import { handleOf } from "../support/names.js";
import { proxyFactory, type ProxyHandler } from "../../src/next/proxy.js";
import { memoryStore } from "../../src/stores/memory.js";
import { frozenClock, PASSWORD, setup } from "./kit.js";

const clock = frozenClock();
const ORIGIN = "https://app.example.com";

/** A proxy over a fresh engine with `options`, and a browser (cookie jar) talking to it. */
function browserAndProxy(options: Parameters<typeof setup>[0] = {}) {
  const { engine } = setup(options);
  const proxy = proxyFactory(() => engine);
  const cookies = new Map<string, string>();
  const send = async (handler: ProxyHandler<Record<string, unknown>> | undefined, path = "/app/page", extra: Record<string, string> = {}) => {
    const headers = new Headers(extra);
    if (cookies.size) headers.set("cookie", [...cookies].map(([n, v]) => `${n}=${v}`).join("; "));
    const response = await proxy(handler)(new NextRequest(new URL(path, ORIGIN), { headers }));
    const set: SetCookie[] = response.headers.getSetCookie().map((line) => parseSetCookie(line));
    for (const cookie of set) {
      if (cookie.maxAge === 0) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value!);
    }
    return { response, set };
  };
  /** The session data the proxy's handler sees on the browser's next request. */
  const data = async () => {
    let seen: Record<string, unknown> = {};
    await send((_request, session) => void (seen = { ...session.data }));
    return seen;
  };
  return { engine, cookies, send, data };
}

describe("a purge removes every cookie with the attributes it was written with", () => {
  it("custom path, domain, secure and sameSite strict, on a chunked seal", async () => {
    const cookie = { path: "/app", domain: "example.com", secure: true, sameSite: "strict" as const };
    const { send } = browserAndProxy({ cookie: { ...cookie, maxBytes: 14336 }, idleTimeout: 60, absoluteTimeout: 3600 });
    const big = Array.from({ length: 600 }, (_, i) => `item-${i}-${(i * 7919) % 1000}`).join(",");
    const written = await send(async (_request, session) => void (await session.set("blob", big).save()));
    const originals = written.set.filter((c) => c.name.startsWith("session"));
    expect(originals.length).toBeGreaterThan(1); // chunked: session.0, session.1, …
    for (const original of originals) expect(original).toMatchObject({ ...cookie, httpOnly: true, maxAge: 60 });

    clock.advance(61); // idle-expired: the next request purges
    const purge = await send(undefined);
    const removals = purge.set.filter((c) => c.name.startsWith("session"));
    expect(removals.map((c) => c.name).sort()).toEqual(originals.map((c) => c.name).sort());
    for (const removal of removals) {
      const original = originals.find((c) => c.name === removal.name)!;
      const { value: _value, maxAge: _maxAge, expires: _expires, ...attributes } = original;
      expect(removal).toEqual({ ...attributes, value: "", maxAge: 0, expires: new Date(0) });
    }
  });
});

describe("the proxy handler's own writes reach the browser", () => {
  it("save() in the handler: the response sets the session, the next request sees it", async () => {
    const { send, data } = browserAndProxy({ store: memoryStore() });
    const { response, set } = await send(async (_request, session) => void (await session.set("userId", "ada").save()));
    expect(set.filter((c) => c.name === "session")).toHaveLength(1);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(await data()).toEqual({ userId: "ada" });
  });

  it("renew() in the handler: a new id with the same data, the old id is dead", async () => {
    const { engine, cookies, send, data } = browserAndProxy({ store: memoryStore() });
    await send(async (_request, session) => void (await session.set("userId", "ada").save()));
    const before = cookies.get("session")!;
    let renewedId: string | undefined;
    await send(async (_request, session) => {
      await session.renew();
      renewedId = session.id;
    });
    expect(cookies.get("session")).not.toBe(before);
    expect(cookies.get("session")!.split(".")[0]).toBe(renewedId);
    expect(await data()).toEqual({ userId: "ada" });
    expect(await engine.store.load(before.split(".")[0]!)).toBeUndefined();
  });

  it("destroy() in the handler: the cookie is removed and the state deleted", async () => {
    const { engine, cookies, send, data } = browserAndProxy({ store: memoryStore() });
    await send(async (_request, session) => void (await session.set("userId", "ada").save()));
    const id = cookies.get("session")!.split(".")[0]!;
    const { set } = await send(async (_request, session) => void (await session.destroy()));
    expect(set.find((c) => c.name === "session")).toMatchObject({ value: "", maxAge: 0 });
    expect(cookies.has("session")).toBe(false);
    expect(await engine.store.load(id)).toBeUndefined();
    expect(await data()).toEqual({});
  });

  it("a returned Response.json() keeps its status, headers and body and carries the cookie changes", async () => {
    const { send, data } = browserAndProxy({ store: memoryStore() });
    const { response, set } = await send(async (_request, session) => {
      await session.set("userId", "ada").save();
      return Response.json({ ok: true }, { status: 201, headers: { "x-app": "kept" } });
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-app")).toBe("kept");
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ ok: true });
    expect(set.filter((c) => c.name === "session")).toHaveLength(1);
    expect(await data()).toEqual({ userId: "ada" });
  });

  it("a returned Response.redirect() keeps its status and Location and carries the cookie changes", async () => {
    const { engine, cookies, send } = browserAndProxy({ store: memoryStore() });
    await send(async (_request, session) => void (await session.set("userId", "ada").save()));
    const id = cookies.get("session")!.split(".")[0]!;
    const { response, set } = await send(async (_request, session) => {
      await session.destroy();
      return Response.redirect(new URL("/goodbye", ORIGIN), 303);
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${ORIGIN}/goodbye`);
    expect(set.find((c) => c.name === "session")).toMatchObject({ value: "", maxAge: 0 });
    expect(await engine.store.load(id)).toBeUndefined();
  });
});

describe('renewal: { policy: "on-state-change" }', () => {
  it("only save() extends the session: reads write nothing however old the session is", async () => {
    const { send } = browserAndProxy({ idleTimeout: 3600, absoluteTimeout: 24 * 3600, renewal: { policy: "on-state-change" } });
    const first = await send(async (_request, session) => void (await session.set("n", 1).save()));
    const expiry = first.set.find((c) => c.name === "session")!.expires!.getTime();
    clock.advance(3000); // far past any updateAge; still inside the idle timeout
    const read = await send(undefined);
    expect(read.set).toEqual([]);
    const unchangedSave = await send(async (_request, session) => void (await session.save()));
    expect(unchangedSave.set).toEqual([]);
    clock.advance(500);
    const saved = await send(async (_request, session) => void (await session.set("n", 2).save()));
    const extended = saved.set.find((c) => c.name === "session")!;
    expect(extended.expires!.getTime()).toBe(expiry + 3500_000);
    expect(extended.maxAge).toBe(3600);
  });
});

describe("flash messages", () => {
  /** A browser whose session carries a flash written by a Route Handler ("next" mode). */
  const withFlash = async () => {
    const browser = browserAndProxy();
    const { engine, cookies } = browser;
    const lifetimes = new Map<string, number | undefined>();
    const jar = {
      get: (name: string) => cookies.get(name),
      set: (name: string, value: string, attributes: { maxAge: number | undefined }) => void (cookies.set(name, value), lifetimes.set(name, attributes.maxAge)),
    };
    const { session } = await engine.open(jar, { writable: true, renew: false });
    await session.flash("notice", "Saved!").save();
    expect(lifetimes.get("session.flash")).toBe(60); // the browser keeps it 60 s
    return browser;
  };

  it("a browser prefetch retires no flash; the page request that follows shows and retires it", async () => {
    const { cookies, send } = await withFlash();
    for (const purpose of [{ "sec-purpose": "prefetch" }, { "sec-purpose": "prefetch;prerender" }, { purpose: "prefetch" }] as Record<string, string>[]) {
      expect((await send(undefined, "/app/page", purpose)).set).toEqual([]); // no removal of session.flash
    }
    expect(cookies.has("session.flash")).toBe(true);
    const visit = await send(undefined);
    expect(visit.set.find((c) => c.name === "session.flash")).toMatchObject({ value: "", maxAge: 0 });
  });

  it("without the proxy, a flash stays readable for its 60 s cookie lifetime, then its seal is dead", async () => {
    const { engine, cookies } = await withFlash();
    const read = async () => {
      const jar = { get: (name: string) => cookies.get(name), set: () => expect.unreachable("a Server Component read writes nothing") };
      return (await engine.open(jar, { writable: false, renew: false })).session.get("notice");
    };
    clock.advance(30);
    expect(await read()).toBe("Saved!"); // a Server Component reads it; nothing retires it
    clock.advance(29);
    expect(await read()).toBe("Saved!");
    // The browser drops the cookie at Max-Age=60; one kept past it no longer opens once iron's
    // 60 s clock-skew allowance has passed too.
    clock.advance(62);
    expect(await read()).toBeUndefined();
  });
});

describe("expired sessions", () => {
  it("the proxy's purge of an expired session deletes its server-side state", async () => {
    const store = memoryStore();
    const { cookies, send } = browserAndProxy({ store, idleTimeout: 3600, absoluteTimeout: 24 * 3600 });
    await send(async (_request, session) => void (await session.set("userId", "ada").save()));
    const id = cookies.get("session")!.split(".")[0]!;
    // The app shortens its absolute timeout: the store still holds the session, the engine finds it expired.
    const stricter = browserAndProxy({ store, idleTimeout: 60, absoluteTimeout: 120 });
    for (const [name, value] of cookies) stricter.cookies.set(name, value);
    clock.advance(121);
    // memoryStore's process-wide spaces (src/stores/memory.ts), read directly: a load would tidy them.
    const spaces = (globalThis as Record<symbol, Map<string, { sessions: Map<string, unknown> }>>)[Symbol.for("next-session-kit.memory-store")]!;
    const digest = await handleOf(id, PASSWORD);
    const map = { has: (key: string) => [...spaces.values()].some((space) => space.sessions.has(key)) };
    expect(map.has(digest)).toBe(true);
    const purge = await stricter.send(undefined);
    expect(purge.set.find((c) => c.name === "session")).toMatchObject({ value: "", maxAge: 0 });
    expect(map.has(digest)).toBe(false);
  });
});
