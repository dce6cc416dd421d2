import { sealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { signer } from "../../src/codec/signer.js";
import { SessionStoreError } from "../../src/errors.js";
import { TestJar } from "./jar.js";
import { frozenClock, PASSWORD, setup, T0, unreachableStore } from "./kit.js";

const clock = frozenClock();
const HOUR = 3600;
const timeouts = { idleTimeout: HOUR, absoluteTimeout: 3 * HOUR };
const everyRequest = (updateAge: number) => ({ ...timeouts, renewal: { policy: "on-every-request" as const, updateAge } });

/** A session created at T0 and saved every 0.9 h, last at T0 + 2.7 h: 0.3 h before its absolute end. */
async function keptActive(seed: ReturnType<typeof setup>["seed"]): Promise<TestJar> {
  let jar = await seed({ n: 0 });
  for (const n of [1, 2, 3]) {
    clock.advance(0.9 * HOUR);
    jar = await seed({ n }, jar);
  }
  return jar;
}

/** One request that changes the session; returns that request's jar (to inspect its writes). */
async function change(open: ReturnType<typeof setup>["open"], jar: TestJar): Promise<TestJar> {
  const { session } = await open(jar);
  session.set("changed", Date.now());
  await session.save();
  return jar;
}

describe("lifecycle", () => {
  it('"persistent" writes Max-Age = the remaining lifetime, never past createdAt + absoluteTimeout', async () => {
    const { seed, open } = setup(timeouts);
    expect((await change(open, new TestJar())).written("session")!.attributes.maxAge).toBe(HOUR);
    const jar = await change(open, await keptActive(seed));
    expect(jar.written("session")!.attributes.maxAge).toBe(0.3 * HOUR);
    expect((await open(jar.next())).session.expiresAt).toBe(T0 + 3 * HOUR * 1000);
  });

  it('"browser" writes no Max-Age, and removes with Max-Age=0', async () => {
    const { open } = setup({ lifecycle: "browser" });
    const jar = await change(open, new TestJar());
    expect(jar.written("session")!.attributes.maxAge).toBeUndefined();
    const next = jar.next();
    await (await open(next)).session.destroy();
    expect(next.written("session")!.attributes.maxAge).toBe(0);
  });
});

describe("timeouts are enforced on read", () => {
  it("a session idle for idleTimeout reads as new", async () => {
    const { seed, open, events } = setup(timeouts);
    const jar = await seed({ userId: "u1" });
    clock.advance(HOUR - 1);
    expect((await open(jar)).session.isNew).toBe(false);
    clock.advance(1);
    const { session, stale } = await open(jar);
    expect(session.isNew).toBe(true);
    expect(stale).toBe(true);
    expect(events).toEqual([{ type: "expired", reason: "idle" }]);
  });

  it("a session past absoluteTimeout reads as new, however active", async () => {
    const { seed, open, events } = setup(timeouts);
    const jar = await keptActive(seed);
    clock.advance(0.3 * HOUR);
    expect((await open(jar)).session.isNew).toBe(true);
    expect(events).toEqual([{ type: "expired", reason: "absolute" }]);
  });
});

describe("renew()", () => {
  it("keeps the data with a fresh createdAt and a new seal", async () => {
    const { seed, open } = setup(timeouts);
    const jar = await seed({ userId: "u1" });
    clock.advance(60);
    const { session } = await open(jar);
    await session.renew();
    expect(session).toMatchObject({ status: "renewed", createdAt: T0 + 60_000, data: { userId: "u1" } });
    expect(jar.written("session")!.value).not.toBe(jar.get("session"));
    expect((await open(jar.next())).session).toMatchObject({ createdAt: T0 + 60_000, data: { userId: "u1" } });
  });
});

describe("renewal while opening (the proxy's `renew: true`)", () => {
  it("re-seals only once updateAge has passed", async () => {
    const { seed, open, events } = setup(everyRequest(600));
    const jar = await seed({ userId: "u1" });
    clock.advance(599);
    expect((await open(jar, { renew: true })).renewed).toBe(false);
    expect(jar.writes).toEqual([]);

    clock.advance(1);
    const { renewed, session } = await open(jar, { renew: true });
    expect(renewed).toBe(true);
    expect(session).toMatchObject({ lastSeenAt: Date.now(), expiresAt: Date.now() + HOUR * 1000, status: "unchanged" });
    expect(jar.written("session")!.attributes.maxAge).toBe(HOUR);
    expect(events).toEqual([{ type: "renewed" }]);
  });

  it("never extends past createdAt + absoluteTimeout", async () => {
    const { seed, open } = setup(everyRequest(600));
    const jar = await keptActive(seed);
    clock.advance(0.2 * HOUR);
    const { renewed, session } = await open(jar, { renew: true });
    expect(renewed).toBe(true);
    expect(session.expiresAt).toBe(T0 + 3 * HOUR * 1000);
    expect(jar.written("session")!.attributes.maxAge).toBe(0.1 * HOUR);
  });

  it('"on-state-change" never re-seals on read', async () => {
    const { seed, open } = setup({ ...timeouts, renewal: { policy: "on-state-change" } });
    const jar = await seed({ userId: "u1" });
    clock.advance(HOUR - 1);
    expect((await open(jar, { renew: true })).renewed).toBe(false);
    expect(jar.writes).toEqual([]);
  });

  it("moves an imported iron-session cookie to a native seal once, then leaves it until due", async () => {
    const { open } = setup({ ...everyRequest(600), migrateFromIronSession: true });
    const jar = new TestJar({ session: await sealData({ userId: "u1" }, { password: PASSWORD }) });
    expect((await open(jar, { renew: true })).renewed).toBe(true);
    const next = jar.next();
    clock.advance(1);
    const { session, renewed } = await open(next, { renew: true });
    expect(session.data).toEqual({ userId: "u1" });
    expect(session.createdAt).toBe(T0);
    expect(renewed).toBe(false);
    expect(next.writes).toEqual([]);
  });
});

describe("chunked cookies within one request", () => {
  const big = "x".repeat(6000);
  /** ~8 KB sealed: over the default Cookie header budget. */
  const large = { cookie: { maxBytes: 14336 } };

  it("destroy after a chunked save removes the chunks it just wrote", async () => {
    const { open } = setup(large);
    const jar = new TestJar();
    const { session } = await open(jar);
    session.set("blob", big);
    await session.save();
    await session.destroy();
    expect(jar.next().cookies.size).toBe(0);
  });

  it("destroy after a chunked renewal removes the renewed chunks", async () => {
    const { seed, open } = setup({ ...everyRequest(600), ...large });
    const jar = await seed({ blob: big });
    clock.advance(600);
    const { session, renewed } = await open(jar, { renew: true });
    expect(renewed).toBe(true);
    await session.destroy();
    expect(jar.next().cookies.size).toBe(0);
  });

  it("a save that shrinks a session saved chunked earlier in the request removes the chunks", async () => {
    const { open } = setup(large);
    const jar = new TestJar();
    const { session } = await open(jar);
    await session.set("blob", big).save();
    await session.unset("blob").set("userId", "u1").save();
    expect([...jar.next().cookies.keys()]).toEqual(["session"]);
  });
});

describe("purge", () => {
  it("removes a dead cookie once, and not after a write replaced it", async () => {
    const { open, events } = setup();
    const dead = new TestJar({ session: "dead" });
    await (await open(dead)).purge();
    expect(dead.removed).toEqual(["session"]);
    expect(events.at(-1)).toEqual({ type: "purged" });

    const replaced = new TestJar({ session: "dead" });
    const opened = await open(replaced);
    await opened.session.set("a", 1).save();
    await opened.purge();
    expect(replaced.removed).toEqual([]);
    expect((await open(replaced.next())).session.data).toEqual({ a: 1 });
  });
});

describe("store failures", () => {
  it("surface as SessionStoreError and a report, never as a new session, and leave the cookie alone", async () => {
    const { open, events } = setup({ store: unreachableStore });
    const jar = new TestJar({ session: await signer({ 1: PASSWORD }, "session-id", "session").sign("c2Vzc2lvbi1pZA") });
    await expect(open(jar)).rejects.toThrow(SessionStoreError);
    expect(events.map((e) => e.type)).toEqual(["store-error"]);
    expect(jar.writes).toEqual([]);
  });
});
