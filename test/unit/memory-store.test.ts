import { beforeEach, describe, expect, it, vi } from "vitest";
import { base64urlToBytes } from "../../src/codec/base64url.js";
import { handleOf } from "../support/names.js";
import { memoryStore } from "../../src/stores/memory.js";
import { TestJar } from "./jar.js";
import { forgeToken, frozenClock, INHERITED_IDS, OTHER_PASSWORD, PASSWORD, setup } from "./kit.js";

const clock = frozenClock();
const HOUR = 3600;

// memoryStore() instances of one configuration share one map per process (src/stores/memory.ts): start each test empty.
beforeEach(() => {
  (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("next-session-kit.memory-store")]?.clear();
});

function setupMemory(options: Parameters<typeof setup>[0] = {}) {
  const store = memoryStore();
  return { store, ...setup({ store, idleTimeout: HOUR, ...options }) };
}

/** Opens the same cookie in two concurrent requests. */
async function twoRequests(open: ReturnType<typeof setup>["open"], jar: TestJar) {
  const [a, b] = [new TestJar(jar.cookies), new TestJar(jar.cookies)];
  return { a, b, first: (await open(a)).session, second: (await open(b)).session };
}

describe("memoryStore", () => {
  it("puts only a signed id of 256 random bits (tagged with its password id) in the cookie", async () => {
    const { open, seed } = setupMemory();
    const jar = await seed({ userId: "plain-text-user-id" });
    const [id, passwordId, mac] = jar.get("session")!.split(".");
    expect(passwordId).toBe("1");
    expect(base64urlToBytes(mac!)!.length).toBe(32);
    expect(id).toMatch(/^1~/);
    expect(base64urlToBytes(id!.slice(2))!.length * 8).toBe(256);
    expect(jar.get("session")).not.toContain("plain-text-user-id");
    const { session } = await open(jar);
    expect(session.id).toBe(id);
    expect(session.data).toEqual({ userId: "plain-text-user-id" });
  });

  it("rejects a tampered signature without asking the store", async () => {
    const { store, open, seed, events } = setupMemory();
    const cookie = (await seed({ userId: "u1" })).get("session")!;
    const load = vi.spyOn(store, "load");
    const tampered = cookie.slice(0, -5) + (cookie.at(-5) === "A" ? "B" : "A") + cookie.slice(-4);
    const { session, stale } = await open(new TestJar({ session: tampered }));
    expect(session.isNew).toBe(true);
    expect(stale).toBe(true);
    expect(events).toEqual([{ type: "invalid-cookie", reason: "invalid" }]);
    expect(load).not.toHaveBeenCalled();
  });

  it.each(INHERITED_IDS)("rejects an id signed under the inherited password id $id", async ({ id, secret }) => {
    const { store, open, seed } = setupMemory();
    const real = (await seed({ userId: "u1" })).get("session")!.split(".")[0]!;
    const load = vi.spyOn(store, "load");
    expect((await open(new TestJar({ session: await forgeToken(real, id, secret) }))).session.isNew).toBe(true);
    expect(load).not.toHaveBeenCalled();
  });

  it("leaves alone an id signed under a password above every known one (a newer deployment's), asking no store", async () => {
    const jar = await setupMemory({ password: { 2: OTHER_PASSWORD, 1: PASSWORD } }).seed({ userId: "u1" });
    expect(jar.get("session")!.split(".")[1]).toBe("2");
    const old = setupMemory({ password: { 1: PASSWORD } });
    const { session, stale, purge } = await old.open(jar);
    expect(session).toMatchObject({ isNew: true, unavailable: true });
    expect(stale).toBe(false);
    await purge();
    expect(jar.writes).toEqual([]);
    expect(old.events).toEqual([{ type: "newer-password" }]);
    // The session itself is untouched: the newer deployment still opens it.
    expect((await setupMemory({ password: { 2: OTHER_PASSWORD, 1: PASSWORD } }).open(jar)).session.data).toEqual({ userId: "u1" });
  });

  it("renew gives a new id, and the old one no longer loads", async () => {
    const { open, seed, events } = setupMemory();
    const jar = await seed({ userId: "u1" });
    const { session } = await open(jar);
    const oldId = session.id;
    await session.renew();
    expect(session.id).not.toBe(oldId);
    expect((await open(jar.next())).session).toMatchObject({ id: session.id, data: { userId: "u1" } });
    expect((await open(jar)).session.isNew).toBe(true);
    expect(events).toEqual([{ type: "unknown-session" }]);
  });

  it("destroy deletes the stored session", async () => {
    const { store, open, seed } = setupMemory();
    const jar = await seed({ userId: "u1" });
    await (await open(jar)).session.destroy();
    expect(await store.listSessions!("u1")).toEqual([]);
    expect((await open(jar)).session.isNew).toBe(true);
  });

  it("keeps both of two concurrent updates to different keys", async () => {
    const { open, seed } = setupMemory();
    const jar = await seed({ userId: "u1" });
    const { first, second } = await twoRequests(open, jar);
    await first.set("cart", ["a"]).save();
    await second.set("theme", "dark").save();
    expect((await open(jar)).session.data).toEqual({ userId: "u1", cart: ["a"], theme: "dark" });
  });

  it("does not resurrect a session destroyed by a concurrent request", async () => {
    const { open, seed } = setupMemory();
    const jar = await seed({ userId: "u1" });
    const { b, first, second } = await twoRequests(open, jar);
    await first.destroy();
    await second.set("cart", ["a"]).save();
    expect(second.status).toBe("purged");
    expect(b.writes).toEqual([]); // lost a race: the winner's cookie is left alone (issue 10 item 3)
    expect((await open(b.next())).session.isNew).toBe(true);
    expect((await open(jar)).session.isNew).toBe(true);
  });

  it("extends the stored session on due renewal, keeping its id", async () => {
    const { store, open, seed } = setupMemory({ renewal: { policy: "on-every-request", updateAge: 600 } });
    const jar = await seed({ userId: "u1" });
    clock.advance(600);
    const { session, renewed } = await open(jar, { renew: true });
    expect(renewed).toBe(true);
    expect(jar.written("session")!.value).toBe(jar.get("session"));
    expect((await store.listSessions!("u1"))[0]!.expiresAt).toBe(Date.now() + HOUR * 1000);
    expect(session.expiresAt).toBe(Date.now() + HOUR * 1000);
  });

  it("ends, in that request, a session idle past a since-shortened idleTimeout (the load does not extend it)", async () => {
    const { store, seed } = setupMemory({ idleTimeout: 4 * HOUR, renewal: { policy: "on-every-request", updateAge: 600 } });
    const jar = await seed({ userId: "u1" });
    clock.advance(2 * HOUR); // alive under the old 4 h, dead under the new 1 h
    const shortened = setup({ store, idleTimeout: HOUR, renewal: { policy: "on-every-request", updateAge: 600 } });
    const { session, stale } = await shortened.open(jar, { renew: true });
    expect(session.isNew).toBe(true);
    expect(stale).toBe(true);
    expect(shortened.events).toContainEqual({ type: "expired", reason: "idle" });
    expect(await store.listSessions!("u1")).toEqual([]);
  });

  it("forgets a session past idleTimeout", async () => {
    const { open, seed } = setupMemory();
    const jar = await seed({ userId: "u1" });
    clock.advance(HOUR);
    expect((await open(jar)).session.isNew).toBe(true);
  });

  it("lists and revokes a user's sessions, except the given ones", async () => {
    const { store, open, seed } = setupMemory();
    const jars = [await seed({ userId: "u1" }), await seed({ userId: "u1" }), await seed({ userId: "u1" }), await seed({ userId: "u2" })];
    const ids = await Promise.all(jars.map(async (jar) => (await open(jar)).session.id!));
    const listed = await store.listSessions!("u1");
    expect(listed.map((info) => info.handle).sort()).toEqual((await Promise.all(ids.slice(0, 3).map((id) => handleOf(id, PASSWORD)))).sort());
    expect(listed[0]).toEqual({ handle: expect.any(String), createdAt: Date.now(), lastSeenAt: Date.now(), expiresAt: Date.now() + HOUR * 1000 });

    expect(await store.revokeSessions!("u1", [ids[0]!])).toBe(2);
    const alive = await Promise.all(jars.map(async (jar) => !(await open(jar)).session.isNew));
    expect(alive).toEqual([true, false, false, true]);
  });
});
