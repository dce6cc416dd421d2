/**
 * The one behaviour every `SessionStore` must show, run against each shipped store (memory,
 * kv through @vercel/kv and @upstash/redis, redis through ioredis and node-redis, cookie).
 *
 * The cookie store keeps state in the cookie, so it cannot revoke, list, renew to a new id or
 * merge concurrent writes: each such case asserts that limitation as declared (for instance
 * `SessionUnsupportedError`), it is never silently skipped.
 */
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { SessionUnsupportedError } from "../../src/errors.js";
import { base64urlToBytes } from "../../src/codec/base64url.js";
import { BUCKETS, layout } from "../../src/stores/redis-common/layout.js";
import { buildEngine } from "../../src/setup.js";
import { handleOf, storeContext } from "../support/names.js";
import { TestJar } from "../unit/jar.js";
import type { SessionChanges, SessionRecord, SessionStore, StoreContext, StoreEvent } from "../../src/stores/types.js";

/** What a Redis-backed target received while an action ran. */
export interface Traffic {
  /** Names of the commands the client sent (not those its scripts ran), in order. */
  commands: string[];
  /** Writes the server applied (inside scripts included). */
  writes: number;
  /** HTTP requests, for REST clients. */
  requests?: number;
}

/** A backend under test. */
export interface ConformanceTarget {
  /** A new, uninitialised store on this backend (each test gets its own). */
  makeStore(): SessionStore;
  /** Redis-backed targets: every key under the test prefix with its content, as text. */
  dump?(): Promise<string[]>;
  /** Redis-backed targets: the traffic `action` caused. */
  measure?(action: () => Promise<unknown>): Promise<Traffic>;
  close?(): Promise<void>;
}

// createSessions() pulls in next/headers' `server-only` guard, which throws outside React's
// server build; these tests only need the store-facing part of it.
vi.mock("server-only", () => ({}));

const PASSWORD = "conformance-password-of-32-chars!!";
const OTHER_PASSWORD = "another-conformance-password-32-chars";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NO_CHANGES: SessionChanges = { set: [], unset: [], cleared: false };
const changes = (over: Partial<SessionChanges>): SessionChanges => ({ ...NO_CHANGES, ...over });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The at-rest name of session `id` (keyed by the password), as stores keep it. */
const hashOf = (id: string) => handleOf(id, PASSWORD);
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

/** A record created `age` ms ago, last seen `idle` ms ago, expiring `ttl` ms from now. */
function record(data: Record<string, unknown>, times: { age?: number; idle?: number; ttl?: number } = {}): SessionRecord {
  const now = Date.now();
  return { data, createdAt: now - (times.age ?? 0), lastSeenAt: now - (times.idle ?? 0), expiresAt: now + (times.ttl ?? HOUR) };
}

/** JSON values that a store must give back exactly, including look-alikes of numbers and JSON. */
const TRICKY_DATA = {
  userId: "u-1",
  digits: "123",
  quoted: '"quoted"',
  json: '{"a":1}',
  tilde: "~x",
  empty: "",
  unicode: "héllo ✓ 🎉",
  int: 42,
  float: 1.5,
  big: Number.MAX_SAFE_INTEGER,
  yes: true,
  nothing: null,
  list: [1, "2", { x: null }],
  nested: { deep: { value: "d", n: 0 } },
};

export function describeStoreConformance(name: string, makeTarget: () => Promise<ConformanceTarget>): void {
  describe(`SessionStore conformance: ${name}`, () => {
    let target: ConformanceTarget | undefined;
    const events: StoreEvent[] = [];

    /** A fresh store on the shared backend, initialised like createSessions does. */
    const open = async (userKey = "userId", password = PASSWORD): Promise<SessionStore> => {
      target ??= await makeTarget();
      const store = target.makeStore();
      const context: StoreContext = storeContext(password, { userKey, report: (event) => events.push(event) });
      store.init?.(context);
      return store;
    };
    const dumpText = async () => (await target!.dump!()).join("\n");

    afterAll(async () => {
      await target?.close?.();
    });

    describe("load, save, update, touch, delete", () => {
      it("gives back exactly what was saved", async () => {
        const store = await open();
        const saved = record(TRICKY_DATA);
        const key = await store.save(saved);
        expect(await store.load(key)).toEqual(saved);
      });

      it("loads an unknown id as undefined", async () => {
        const store = await open();
        expect(await store.load("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).toBeUndefined();
        const touch = { now: Date.now(), dueBefore: Date.now(), idleMs: HOUR, absoluteMs: 24 * HOUR };
        expect(await store.load("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", touch)).toBeUndefined();
        expect(await store.load("not-a-key-at-all")).toBeUndefined();
      });

      it("update writes set keys, removes unset keys and keeps the rest", async () => {
        const store = await open();
        const key = await store.save(record({ a: 1, b: 2, c: 3 }));
        const next = record({ a: 10, b: 2, d: 4 }, { ttl: 2 * HOUR });
        const updated = await store.update(key, next, { set: ["a", "d"], unset: ["c"], cleared: false });
        expect(updated).toBeDefined();
        const loaded = await store.load(updated!);
        expect(loaded?.data).toEqual({ a: 10, b: 2, d: 4 });
        expect(loaded?.expiresAt).toBe(next.expiresAt);
        expect(loaded?.lastSeenAt).toBe(next.lastSeenAt);
      });

      it("update after clear() keeps only the keys set afterwards", async () => {
        const store = await open();
        const key = await store.save(record({ a: 1, b: 2 }));
        const updated = await store.update(key, record({ c: 3 }), { set: ["c"], unset: [], cleared: true });
        expect((await store.load(updated!))?.data).toEqual({ c: 3 });
      });

      it("keeps __proto__, constructor and prototype as plain own data through save, load and update", async () => {
        const store = await open();
        const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
        /** JSON.parse makes own properties, even of "__proto__" (an object literal would set the prototype). */
        const hostile = (n: number): Record<string, unknown> =>
          JSON.parse(`{"__proto__":{"polluted":${n}},"constructor":{"prototype":{"polluted":${n}}},"prototype":"p${n}"}`) as Record<string, unknown>;
        const expectOwnData = (data: Record<string, unknown> | undefined, n: number) => {
          expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
          for (const key of ["__proto__", "constructor", "prototype"]) expect(Object.hasOwn(data!, key), key).toBe(true);
          expect(Object.getOwnPropertyDescriptor(data, "__proto__")?.value).toEqual({ polluted: n });
          expect(Object.getOwnPropertyDescriptor(data, "constructor")?.value).toEqual({ prototype: { polluted: n } });
          expect(data?.prototype).toBe(`p${n}`);
          expect((data as { polluted?: unknown }).polluted).toBeUndefined();
        };
        // Set by an update to a session without them (where an own property would not shadow the setter), then by a save.
        const key = await store.save(record({ other: 0 }));
        const updated = await store.update(key, record(hostile(1)), changes({ set: ["__proto__", "constructor", "prototype"] }));
        expectOwnData((await store.load(updated!))?.data, 1);
        expectOwnData((await store.load(await store.save(record(hostile(2)))))?.data, 2);
        expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      });

      it("touch moves lastSeenAt and expiresAt without touching data", async () => {
        const store = await open();
        const saved = record({ a: 1 }, { idle: MINUTE });
        const key = await store.save(saved);
        const touched = { ...saved, lastSeenAt: Date.now(), expiresAt: Date.now() + 2 * HOUR };
        const result = await store.touch(key, touched);
        expect(result).toBeDefined();
        expect(await store.load(result!)).toEqual(touched);
      });

      it("delete removes the session; deleting an unknown key is not an error", async () => {
        const store = await open();
        const key = await store.save(record({ a: 1 }));
        await store.delete(key);
        await expect(store.delete(key)).resolves.toBeUndefined();
        if (!store.serverSide) {
          // Declared: the state is the cookie itself; only expiring the cookie (the engine) ends it.
          expect(await store.load(key)).toBeDefined();
          return;
        }
        expect(await store.load(key)).toBeUndefined();
      });
    });

    describe("authenticatedAt (session metadata, not data)", () => {
      it("is kept through save, load, update (clear included), touch, touch-while-loading and renew", async () => {
        const store = await open();
        const at = Date.now() - MINUTE;
        const saved = { ...record({ userId: unique("fresh"), a: 1 }, { idle: 10 * MINUTE }), authenticatedAt: at };
        let key = await store.save(saved);
        expect(await store.load(key)).toEqual(saved);
        // The engine hands update and touch the whole record, authenticatedAt included.
        key = (await store.update(key, { ...record({ b: 2 }), authenticatedAt: at }, changes({ set: ["b"], cleared: true })))!;
        expect((await store.load(key))?.authenticatedAt).toBe(at);
        key = (await store.touch(key, { ...record({ b: 2 }, { ttl: 2 * HOUR }), authenticatedAt: at }))!;
        expect((await store.load(key))?.authenticatedAt).toBe(at);
        const loaded = await store.load(key, { now: Date.now(), dueBefore: Date.now(), idleMs: HOUR, absoluteMs: 24 * HOUR });
        expect(loaded?.authenticatedAt).toBe(at);
        const renewed = { ...record({ b: 2 }), authenticatedAt: at + 1 };
        key = (await (store.renew ? store.renew(key, renewed) : store.save(renewed)))!;
        expect(await store.load(key)).toEqual(renewed);
      });

      it("is absent from a session that never had it", async () => {
        const store = await open();
        const key = await store.save(record({ a: 1 }));
        const loaded = await store.load(key);
        expect(loaded).toMatchObject({ data: { a: 1 } });
        expect(loaded).not.toHaveProperty("authenticatedAt");
      });
    });

    describe("renew", () => {
      it("stores the data under a new id and kills the old one", async () => {
        const store = await open();
        if (!store.renew) {
          // Declared: no server-side id to rotate; the engine re-seals with save() instead.
          expect(store.serverSide).toBe(false);
          return;
        }
        const key = await store.save(record({ userId: unique("renew"), a: 1 }));
        const fresh = record({ userId: "x", a: 1, b: 2 });
        const renewed = await store.renew(key, fresh);
        expect(renewed).not.toBe(key);
        expect(await store.load(key)).toBeUndefined();
        expect(await store.load(renewed!)).toEqual(fresh);
      });

      it("renewing a session that was deleted meanwhile creates nothing (a revocation stays)", async () => {
        const store = await open();
        if (!store.renew) {
          expect(store.serverSide).toBe(false);
          return;
        }
        const userId = unique("revoked");
        const key = await store.save(record({ userId, a: 1 }));
        await store.delete(key);
        expect(await store.renew(key, record({ userId, a: 1 }))).toBeUndefined();
        expect(await store.listSessions?.(userId)).toEqual([]);
      });

      it("an update or touch of the renewed-away id finds nothing and recreates nothing", async () => {
        const store = await open();
        if (!store.renew) {
          expect(store.serverSide).toBe(false);
          return;
        }
        const key = await store.save(record({ a: 1 }));
        const renewed = await store.renew(key, record({ a: 1 }));
        expect(await store.update(key, record({ a: 2 }), { set: ["a"], unset: [], cleared: false })).toBeUndefined();
        expect(await store.touch(key, record({ a: 1 }))).toBeUndefined();
        expect(await store.load(key)).toBeUndefined();
        expect((await store.load(renewed!))?.data).toEqual({ a: 1 });
      });
    });

    describe("expiry", () => {
      it("a session is gone once its expiresAt has passed", async () => {
        const store = await open();
        const saved = record({ a: 1 }, { ttl: 1500 });
        const key = await store.save(saved);
        expect(await store.load(key)).toBeDefined();
        await sleep(saved.expiresAt - Date.now() + 100);
        const loaded = await store.load(key);
        if (!store.serverSide) {
          // Declared: a seal may still open (iron's clock skew); the engine rejects it by expiresAt.
          expect(loaded === undefined || loaded.expiresAt < Date.now()).toBe(true);
          return;
        }
        expect(loaded).toBeUndefined();
      });
    });

    describe("touch while loading (one round trip)", () => {
      const request = (now: number) => ({ now, dueBefore: now - 5 * MINUTE, idleMs: HOUR, absoluteMs: 24 * HOUR });

      it("extends a session that is due and persists the extension", async () => {
        const store = await open();
        const saved = record({ a: 1 }, { age: 2 * HOUR, idle: 10 * MINUTE, ttl: 50 * MINUTE });
        const key = await store.save(saved);
        const now = Date.now();
        const loaded = await store.load(key, request(now));
        if (!store.serverSide) {
          // Declared: the cookie store ignores the request; the engine re-seals through touch().
          expect(loaded).toEqual(saved);
          return;
        }
        // The store says it extended the session (the engine does not guess from timestamps).
        expect(loaded).toEqual({ ...saved, lastSeenAt: now, expiresAt: now + HOUR, touched: true });
        expect(await store.load(key)).toEqual({ ...loaded, touched: undefined });
      });

      it("leaves a session that is not due alone", async () => {
        const store = await open();
        const saved = record({ a: 1 }, { idle: MINUTE });
        const key = await store.save(saved);
        expect(await store.load(key, request(Date.now()))).toEqual(saved);
      });

      it("never extends past createdAt + absolute timeout", async () => {
        const store = await open();
        const saved = record({ a: 1 }, { age: 24 * HOUR - 10 * MINUTE, idle: 10 * MINUTE, ttl: 5 * MINUTE });
        const key = await store.save(saved);
        const now = Date.now();
        const loaded = await store.load(key, request(now));
        if (!store.serverSide) {
          expect(loaded).toEqual(saved);
          return;
        }
        expect(loaded).toEqual({ ...saved, lastSeenAt: now, expiresAt: saved.createdAt + 24 * HOUR, touched: true });
      });

      // A store that extended such a session would hand the engine a live-looking record of a
      // dead session (lastSeenAt = now), and the user would never be logged out.
      it.each([
        ["past the idle timeout asked about (idleTimeout shortened since it was stored)", { age: 3 * HOUR, idle: 2 * HOUR, ttl: 5 * HOUR }],
        ["past the absolute timeout asked about (absoluteTimeout shortened)", { age: 25 * HOUR, idle: 10 * MINUTE, ttl: 50 * MINUTE }],
      ])("never extends a session already %s: it comes back as stored", async (_name, times) => {
        const store = await open();
        const saved = record({ a: 1 }, times);
        const key = await store.save(saved);
        expect(await store.load(key, request(Date.now()))).toEqual(saved);
        expect(await store.load(key)).toEqual(saved);
      });
    });

    describe("no lost updates, no resurrection", () => {
      it("two updates of different keys from the same loaded record both persist", async () => {
        const store = await open();
        const key = await store.save(record({ a: 1, b: 1 }));
        const [first, second] = [(await store.load(key))!, (await store.load(key))!];
        const one = await store.update(key, { ...first, data: { ...first.data, a: 2 } }, { set: ["a"], unset: [], cleared: false });
        const two = await store.update(key, { ...second, data: { ...second.data, b: 2 } }, { set: ["b"], unset: [], cleared: false });
        if (!store.serverSide) {
          // Declared: each write is a whole new cookie; the later one carries only its own change.
          expect((await store.load(two!))?.data).toEqual({ a: 1, b: 2 });
          expect((await store.load(one!))?.data).toEqual({ a: 2, b: 1 });
          return;
        }
        expect((await store.load(key))?.data).toEqual({ a: 2, b: 2 });
      });

      it("an update or touch after delete returns undefined and does not bring the session back", async () => {
        const store = await open();
        const key = await store.save(record({ a: 1 }));
        await store.delete(key);
        const update = await store.update(key, record({ a: 2 }), { set: ["a"], unset: [], cleared: false });
        const touch = await store.touch(key, record({ a: 1 }));
        if (!store.serverSide) {
          // Declared: a cookie store cannot know about a deletion; the engine expires the cookie.
          expect(update).toBeDefined();
          return;
        }
        expect(update).toBeUndefined();
        expect(touch).toBeUndefined();
        expect(await store.load(key)).toBeUndefined();
        if (target!.dump) expect(await dumpText()).not.toContain(await hashOf(key));
      });
    });

    describe("per-user index", () => {
      const handles = async (store: SessionStore, user: string) =>
        (await store.listSessions!(user)).map((info) => info.handle).sort();
      const hashes = async (...ids: string[]) => (await Promise.all(ids.map(hashOf))).sort();

      it("listSessions and revokeSessions need a server-side store", async () => {
        const store = await open();
        if (store.serverSide) {
          expect(store.listSessions).toBeTypeOf("function");
          expect(store.revokeSessions).toBeTypeOf("function");
          return;
        }
        const { createSessions } = await import("../../src/index.js");
        const sessions = createSessions({ password: PASSWORD, store });
        await expect(sessions.listSessions("u")).rejects.toThrow(SessionUnsupportedError);
        await expect(sessions.revokeSessions("u")).rejects.toThrow(SessionUnsupportedError);
        await expect(sessions.revokeSession("u", "handle")).rejects.toThrow(SessionUnsupportedError);
      });

      describe("on server-side stores", () => {
        /** A server-side store; undefined, after checking it declares so, for the cookie store. */
        const serverStore = async (userKey?: string, password?: string) => {
          const store = await open(userKey, password);
          if (store.serverSide) return store;
          expect(store.listSessions).toBeUndefined();
          expect(store.revokeSessions).toBeUndefined();
          return undefined;
        };

        it("lists a user's sessions with their times, and only theirs", async () => {
          const store = await serverStore();
          if (!store) return;
          const [alice, bob] = [unique("alice"), unique("bob")];
          const saved = record({ userId: alice });
          const a1 = await store.save(saved);
          const a2 = await store.save(record({ userId: alice }));
          const b1 = await store.save(record({ userId: bob }));
          expect(await handles(store, alice)).toEqual(await hashes(a1, a2));
          expect(await handles(store, bob)).toEqual(await hashes(b1));
          const a1Handle = await hashOf(a1);
          const info = (await store.listSessions!(alice)).find((entry) => entry.handle === a1Handle);
          expect(info).toMatchObject({ createdAt: saved.createdAt, lastSeenAt: saved.lastSeenAt, expiresAt: saved.expiresAt });
        });

        it("follows the user field through update (unset, change, clear), touch, renew and delete", async () => {
          const store = await serverStore();
          if (!store) return;
          const [alice, bob] = [unique("alice"), unique("bob")];
          const key = await store.save(record({ userId: alice, n: 1 }));
          await store.update(key, record({ n: 2 }), changes({ unset: ["userId"] }));
          expect(await handles(store, alice)).toEqual([]);
          await store.update(key, record({ userId: alice, n: 2 }), changes({ set: ["userId"] }));
          expect(await handles(store, alice)).toEqual(await hashes(key));
          await store.update(key, record({ userId: bob, n: 2 }), changes({ set: ["userId"] }));
          expect(await handles(store, alice)).toEqual([]);
          expect(await handles(store, bob)).toEqual(await hashes(key));
          await store.update(key, record({ n: 3 }), changes({ set: ["n"] }));
          expect(await handles(store, bob)).toEqual(await hashes(key));
          const touched = record({ userId: bob, n: 3 }, { ttl: 3 * HOUR });
          await store.touch(key, touched);
          expect((await store.listSessions!(bob))[0]?.expiresAt).toBe(touched.expiresAt);
          const renewed = (await store.renew!(key, record({ userId: bob, n: 3 })))!;
          expect(await handles(store, bob)).toEqual(await hashes(renewed));
          await store.update(renewed, record({}), changes({ cleared: true }));
          expect(await handles(store, bob)).toEqual([]);
          await store.update(renewed, record({ userId: bob }), changes({ set: ["userId"] }));
          await store.delete(renewed);
          expect(await handles(store, bob)).toEqual([]);
        });

        it("indexes by the configured userKey; a numeric user id as its string form", async () => {
          const store = await serverStore("owner");
          if (!store) return;
          const carol = unique("carol");
          const owned = await store.save(record({ owner: carol }));
          await store.save(record({ userId: carol }));
          const number = Math.floor(Math.random() * 1e9);
          const numeric = await store.save(record({ owner: number }));
          expect(await handles(store, carol)).toEqual(await hashes(owned));
          expect(await handles(store, String(number))).toEqual(await hashes(numeric));
          const changed = await store.save(record({ owner: "someone" }));
          await store.update(changed, record({ owner: number }), changes({ set: ["owner"] }));
          expect(await handles(store, String(number))).toEqual(await hashes(numeric, changed));
          expect(await store.revokeSessions!(String(number), [])).toBe(2);
          expect(await store.load(numeric)).toBeUndefined();
        });

        it("two apps with different passwords on one database never see each other's sessions", async () => {
          const [mine, theirs] = [await serverStore(), await serverStore("userId", OTHER_PASSWORD)];
          if (!mine || !theirs) return;
          const user = unique("shared-user");
          const a = await mine.save(record({ userId: user }));
          const b = await theirs.save(record({ userId: user }));
          expect(await handles(mine, user)).toEqual(await hashes(a));
          expect(await handles(theirs, user)).toEqual([await handleOf(b, OTHER_PASSWORD)]);
          expect(await theirs.load(a)).toBeUndefined();
          expect(await mine.load(b)).toBeUndefined();
          expect(await mine.revokeSessions!(user, [])).toBe(1);
          expect(await theirs.load(b)).toBeDefined();
          expect(await theirs.revokeSession!(user, await hashOf(a))).toBe(false);
        });

        it("revokeSessions deletes every session of the user but the kept ones and counts them", async () => {
          const store = await serverStore();
          if (!store) return;
          const [dave, erin] = [unique("dave"), unique("erin")];
          const [keep, gone1, gone2] = [await store.save(record({ userId: dave })), await store.save(record({ userId: dave })), await store.save(record({ userId: dave }))];
          const other = await store.save(record({ userId: erin }));
          expect(await store.revokeSessions!(dave, [keep])).toBe(2);
          expect(await store.load(gone1)).toBeUndefined();
          expect(await store.load(gone2)).toBeUndefined();
          expect(await store.load(keep)).toBeDefined();
          expect(await store.load(other)).toBeDefined();
          expect(await handles(store, dave)).toEqual(await hashes(keep));
          expect(await store.revokeSessions!(dave, [])).toBe(1);
          expect(await handles(store, dave)).toEqual([]);
          expect(await store.update(keep, record({ a: 1 }), changes({ set: ["a"] }))).toBeUndefined();
        });

        it("lists the device a session was created with, kept through update, touch and load", async () => {
          const store = await serverStore();
          if (!store) return;
          const [kim, lee] = [unique("kim"), unique("lee")];
          const withIp = { label: "Firefox on Linux", ip: "2001:db8::1" };
          let key = await store.save({ ...record({ userId: kim }), device: withIp });
          const plain = await store.save({ ...record({ userId: kim }), device: { label: "Safari on iOS" } });
          await store.save(record({ userId: lee }));
          key = (await store.update(key, record({ userId: kim, n: 1 }), changes({ set: ["n"] })))!;
          key = (await store.touch(key, record({ userId: kim, n: 1 }, { ttl: 2 * HOUR })))!;
          expect((await store.load(key, { now: Date.now(), dueBefore: Date.now(), idleMs: HOUR, absoluteMs: 24 * HOUR }))?.device).toEqual(withIp);
          const byHandle = new Map((await store.listSessions!(kim)).map((info) => [info.handle, info.device]));
          expect(byHandle.get(await hashOf(key))).toEqual(withIp);
          expect(byHandle.get(await hashOf(plain))).toEqual({ label: "Safari on iOS" });
          expect((await store.listSessions!(lee))[0]).not.toHaveProperty("device");
        });

        it("revokeSession ends exactly the one session of that user, and resolves false for a handle that is not theirs", async () => {
          const store = await serverStore();
          if (!store) return;
          const [mia, ned] = [unique("mia"), unique("ned")];
          const [one, two] = [await store.save(record({ userId: mia })), await store.save(record({ userId: mia }))];
          const other = await store.save(record({ userId: ned }));
          const [oneHandle, otherHandle] = [await hashOf(one), await hashOf(other)];
          expect(await store.revokeSession!(mia, otherHandle)).toBe(false);
          expect(await store.revokeSession!(ned, oneHandle)).toBe(false);
          for (const junk of ["", "AAAAAAAAAAAAAAAAAAAAAA", "x}:s:*", "../" + oneHandle, oneHandle + " "]) expect(await store.revokeSession!(mia, junk)).toBe(false);
          expect(await store.load(other)).toBeDefined();
          expect(await store.revokeSession!(mia, oneHandle)).toBe(true);
          expect(await store.load(one)).toBeUndefined();
          expect(await store.load(two)).toBeDefined();
          expect(await handles(store, mia)).toEqual(await hashes(two));
          expect(await store.revokeSession!(mia, oneHandle)).toBe(false);
          expect(await store.update(one, record({ a: 1 }), changes({ set: ["a"] }))).toBeUndefined();
        });

        it("does not revoke a session that has moved to another user", async () => {
          const store = await serverStore();
          if (!store) return;
          const [frank, grace] = [unique("frank"), unique("grace")];
          const key = await store.save(record({ userId: frank }));
          await store.update(key, record({ userId: grace }), changes({ set: ["userId"] }));
          expect(await store.revokeSessions!(frank, [])).toBe(0);
          expect(await store.load(key)).toBeDefined();
        });

        it("drops expired and deleted sessions from the index", async () => {
          const store = await serverStore();
          if (!store) return;
          const heidi = unique("heidi");
          const short = record({ userId: heidi }, { ttl: 1500 });
          const expiring = await store.save(short);
          const deleted = await store.save(record({ userId: heidi }));
          const live = await store.save(record({ userId: heidi }));
          await store.delete(deleted);
          await sleep(short.expiresAt - Date.now() + 100);
          expect(await handles(store, heidi)).toEqual(await hashes(live));
          expect(await store.revokeSessions!(heidi, [])).toBe(1);
          if (!target!.dump) return;
          const text = await dumpText();
          for (const id of [expiring, deleted, live]) expect(text).not.toContain(await hashOf(id));
        });
      });
    });

    describe("data semantics through the session (one rule on every store)", () => {
      it("a value changed in place persists nowhere: get and data return copies, set stores one", async () => {
        target ??= await makeTarget();
        const engine = buildEngine({ password: PASSWORD, store: target.makeStore() });
        const request = async (jar: TestJar) => (await engine.open(jar, { writable: true, renew: false })).session;
        const first = new TestJar();
        const session = await request(first);
        const cart = ["a"];
        session.set("cart", cart);
        cart.push("pushed after set");
        await session.save();
        const second = first.next();
        const loaded = await request(second);
        (loaded.get("cart") as string[]).push("pushed into get");
        (loaded.data.cart as string[]).push("pushed into data");
        expect(loaded.get("cart")).toEqual(["a"]);
        // Server-side stores write only "other"; the cookie store re-seals everything: same result.
        loaded.set("other", 1);
        await loaded.save();
        expect((await request(second.next())).data).toEqual({ cart: ["a"], other: 1 });
      });
    });

    describe("ids and what is kept at rest", () => {
      it("mints ids of 256 random bits (what SECURITY.md claims), never twice", async () => {
        const store = await open();
        const keys = await Promise.all(Array.from({ length: 20 }, () => store.save(record({ a: 1 }))));
        expect(new Set(keys).size).toBe(keys.length);
        if (!store.serverSide) return; // Declared: the key is the seal itself, not an id.
        // `<passwordId>~<256 random bits, base64url>`
        const randomBytes = (id: string) => (/^1~/.test(id) ? base64urlToBytes(id.slice(2))?.length : 0);
        for (const key of keys) expect(randomBytes(key)).toBe(32);
        if (store.renew) expect(randomBytes((await store.renew(keys[0]!, record({})))!)).toBe(32);
      });

      it("names ids and users at rest only by keyed digests: no id, no plain SHA-256 of an id or a user id", async () => {
        const store = await open();
        if (!target!.dump) {
          // Declared: no state at rest but the cookie, whose seal hides the data and the user.
          expect(store.serverSide).toBe(false);
          const user = unique("ivan");
          const seal = await store.save(record({ userId: user, a: "secret-value" }));
          expect(seal).not.toContain(user);
          expect(seal).not.toContain("secret-value");
          return;
        }
        const user = unique("ivan");
        const first = await store.save(record({ userId: user, a: "x" }));
        const second = (await store.renew!(first, record({ userId: user, a: "x" })))!;
        const third = await store.save(record({ userId: user }));
        await store.update(third, record({ userId: user, b: 1 }), changes({ set: ["b"] }));
        const text = await dumpText();
        expect(text).toContain(await hashOf(second));
        // Redis-backed stores index users by their keyed digest (memoryStore scans the data instead).
        if (store.listSessions && text.includes(":u:")) expect(text).toContain((await storeContext(PASSWORD).names.user(user, second))!);
        // A plain SHA-256 would let a dictionary (of emails, say) name the user without the password.
        const sha256 = (value: string) => createHash("sha256").update(value).digest().subarray(0, 16).toString("base64url");
        for (const id of [first, second, third]) {
          expect(text).not.toContain(id);
          expect(text).not.toContain(sha256(id));
        }
        expect(text).not.toContain(sha256(user));
        // Nor by the session data: the user field is kept encrypted (memoryStore keeps records in
        // this process's memory, which no dump or listing reaches: it holds them as they are).
        if (store.kind === "memory") expect(text).toContain(user);
        else expect(text).not.toContain(user);
        expect((await store.load(third))?.data).toEqual({ userId: user, b: 1 });
        expect((await store.load(second))?.data).toEqual({ userId: user, a: "x" });
      });
    });

    describe("round trips, counted by the backend", () => {
      /** One command sent (a script call), and for REST clients one HTTP request. */
      const oneTrip = (traffic: Traffic) => {
        expect(traffic.commands).toHaveLength(1);
        expect(traffic.commands[0]).toMatch(/^eval(sha)?$/);
        if (traffic.requests !== undefined) expect(traffic.requests).toBe(1);
      };
      /** Every operation once; the first run after a Redis start may pay EVAL after NOSCRIPT. */
      /**
       * Every operation once in every bucket: a script's first call on a Redis pays EVAL after
       * NOSCRIPT, and in a Cluster each node (owning some buckets) loads scripts on its own.
       */
      const warmUp = async (store: SessionStore, saved: SessionRecord) => {
        const { bucketOf } = layout("");
        const warmed = new Set<string>();
        while (warmed.size < BUCKETS) {
          let key = await store.save(saved);
          const bucket = bucketOf(await hashOf(key));
          if (!warmed.has(bucket)) {
            warmed.add(bucket);
            await store.load(key, { now: Date.now(), dueBefore: Date.now(), idleMs: HOUR, absoluteMs: 24 * HOUR });
            await store.update(key, saved, changes({ set: ["a"] }));
            await store.touch(key, saved);
            key = (await store.renew!(key, saved))!;
          }
          await store.delete(key);
        }
      };

      it("load (touching when due), save, update, touch, renew and delete are one round trip; an unchanged read writes nothing", async () => {
        const store = await open();
        if (!target!.measure) {
          // Declared: no network backend to count: the state lives in the cookie (the key is the
          // seal itself) or in this process (memoryStore, whose dump shows it).
          const key = await store.save(record({ a: 1 }));
          if (store.serverSide) expect(await dumpText()).toContain(await hashOf(key));
          else expect(await store.load(key)).toMatchObject({ data: { a: 1 } });
          return;
        }
        const measure = target!.measure;
        const saved = record({ userId: unique("judy"), a: 1 }, { idle: 10 * MINUTE });
        await warmUp(store, saved);
        let key = "";
        oneTrip(await measure(async () => (key = await store.save(saved))));
        const request = (dueBefore: number) => ({ now: Date.now(), dueBefore, idleMs: HOUR, absoluteMs: 24 * HOUR });
        for (const read of [() => store.load(key), () => store.load(key, request(Date.now() - HOUR))]) {
          const traffic = await measure(read);
          oneTrip(traffic);
          expect(traffic.writes).toBe(0);
        }
        const due = await measure(() => store.load(key, request(Date.now())));
        oneTrip(due);
        expect(due.writes).toBeGreaterThan(0);
        oneTrip(await measure(() => store.update(key, record({ a: 2 }), changes({ set: ["a"] }))));
        oneTrip(await measure(() => store.touch(key, record({ a: 2 }))));
        oneTrip(await measure(async () => (key = (await store.renew!(key, saved))!)));
        oneTrip(await measure(() => store.delete(key)));
      });
    });
  });
}
