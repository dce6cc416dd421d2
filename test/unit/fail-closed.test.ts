// Fail closed, lose nothing (issue 10): a store outage runs the proxy's handler on a session that
// reads as empty and refuses writes, touching no cookie; losing a race removes no cookie.
import { NextRequest, NextResponse } from "next/server.js";
import { beforeEach, describe, expect, it } from "vitest";
import { signer } from "../../src/codec/signer.js";
import { SessionStoreError } from "../../src/errors.js";
import { proxyFactory } from "../../src/next/proxy.js";
import type { Session } from "../../src/session.js";
import { memoryStore } from "../../src/stores/memory.js";
import type { SessionStore } from "../../src/stores/types.js";
import { TestJar } from "./jar.js";
import { frozenClock, PASSWORD, setup, unreachableStore } from "./kit.js";

const clock = frozenClock();

beforeEach(() => {
  (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("next-session-kit.memory-store")]?.clear();
});

describe("the proxy during a store outage", () => {
  const signedId = () => signer({ 1: PASSWORD }, "session-id", "session").sign("c2Vzc2lvbi1pZA");
  const request = async () => new NextRequest("https://app.test/dashboard", { headers: { cookie: `session=${await signedId()}` } });

  it("runs the handler on a session that reads as empty, says why, and refuses every write", async () => {
    const { engine } = setup({ store: unreachableStore });
    let seen: Session | undefined;
    const proxy = proxyFactory(() => engine)((_request, session) => {
      seen = session;
      if (!session.get("userId")) return NextResponse.redirect(new URL("/login", "https://app.test"));
    });
    const response = await proxy(await request());
    expect(response.status).toBe(307);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(seen).toMatchObject({ unavailable: true, isNew: true, status: "unchanged", data: {} });
    seen!.set("userId", "u1");
    for (const write of [() => seen!.save(), () => seen!.renew(), () => seen!.destroy()]) {
      await expect(write()).rejects.toThrow(SessionStoreError);
    }
  });

  it("lets the handler answer 503", async () => {
    const { engine } = setup({ store: unreachableStore });
    const proxy = proxyFactory(() => engine)((_request, session) => (session.unavailable ? new Response("later", { status: 503 }) : undefined));
    const response = await proxy(await request());
    expect(response.status).toBe(503);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("passes through without a handler, touching no cookie", async () => {
    const { engine } = setup({ store: unreachableStore });
    const response = await proxyFactory(() => engine)()(await request());
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("a session read normally is available", async () => {
    const { open } = setup();
    expect((await open(new TestJar())).session.unavailable).toBe(false);
  });
});

describe("losing a race removes no cookie", () => {
  const HOUR = 3600;
  const memory = () => setup({ store: memoryStore(), idleTimeout: HOUR });

  it("a renew that finds the session renewed by a concurrent request (double-submitted login)", async () => {
    const { open, seed } = memory();
    const jar = await seed({ cart: ["tea"] });
    const [a, b] = [new TestJar(jar.cookies), new TestJar(jar.cookies)];
    const [first, second] = [(await open(a)).session, (await open(b)).session];
    await first.renew();
    await second.renew();
    expect(second.status).toBe("purged");
    expect(b.writes).toEqual([]);
    // The browser applies the winner's response, then the loser's: still logged in.
    const browser = new TestJar(new Map([...a.next().cookies]));
    for (const write of b.writes) browser.set(write.name, write.value, write.attributes);
    expect((await open(browser.next())).session.data).toEqual({ cart: ["tea"] });
  });

  it("a save that finds the session destroyed sends nothing, and the logout sticks", async () => {
    const { open, seed } = memory();
    const jar = await seed({ userId: "u1" });
    const [a, b] = [new TestJar(jar.cookies), new TestJar(jar.cookies)];
    const [leaving, shopping] = [(await open(a)).session, (await open(b)).session];
    await leaving.destroy();
    await shopping.set("cart", ["kettle"]).save();
    expect(shopping.status).toBe("purged");
    expect(b.writes).toEqual([]);
    expect(a.removed).toEqual(["session"]);
    expect((await open(a.next())).session.isNew).toBe(true);
    expect((await open(b.next())).session.isNew).toBe(true);
  });

  it("a due renewal whose touch finds the session gone ends it in that request, with no removal cookie", async () => {
    // A custom store that does not extend inside load (so the engine calls touch), with a hook
    // that lets a concurrent request run between this request's load and its touch.
    const inner = memoryStore();
    let between: (() => Promise<void>) | undefined;
    const store: SessionStore = {
      ...inner,
      load: async (key) => {
        const record = await inner.load(key);
        const concurrent = between;
        between = undefined;
        await concurrent?.();
        return record;
      },
    };
    const { open, seed } = setup({ store, idleTimeout: HOUR, renewal: { policy: "on-every-request", updateAge: 60 } });
    const jar = await seed({ userId: "u1" });
    clock.advance(120);
    const [a, b] = [new TestJar(jar.cookies), new TestJar(jar.cookies)];
    between = async () => (await open(a)).session.destroy();
    const opened = await open(b, { renew: true });
    expect(opened.session).toMatchObject({ isNew: true, status: "purged", data: {} });
    expect(opened.stale).toBe(false);
    expect(b.writes).toEqual([]);
    expect(a.removed).toEqual(["session"]);
  });
});

describe("an onEvent hook that fails", () => {
  /** Unhandled rejections raised while `work` runs and a few turns after. */
  async function unhandledDuring(work: () => Promise<unknown>): Promise<unknown[]> {
    const seen: unknown[] = [];
    const listener = (reason: unknown) => seen.push(reason);
    process.on("unhandledRejection", listener);
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("unhandledRejection", listener);
    }
    return seen;
  }

  it.each([
    ["rejects (an async logger whose sink is down)", async () => Promise.reject(new Error("log sink down"))],
    ["throws", () => {
      throw new Error("log sink down");
    }],
  ])("and %s: the request goes on and nothing is left unhandled", async (_name, onEvent) => {
    const calls: string[] = [];
    const { open } = setup({ onEvent: (event) => (calls.push(event.type), onEvent()) });
    const unhandled = await unhandledDuring(async () => {
      const { session, stale, purge } = await open(new TestJar({ session: "tampered.1.AAAA" }));
      expect(session.isNew).toBe(true);
      expect(stale).toBe(true);
      await purge();
    });
    expect(calls).toEqual(["invalid-cookie", "purged"]);
    expect(unhandled).toEqual([]);
  });
});
