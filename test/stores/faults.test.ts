/**
 * Store outages: every failure or timeout surfaces as `SessionStoreError` (the engine keeps the
 * cookie: never a logout) within the store's deadline, and the session is back once Redis is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionStoreError } from "../../src/errors.js";
import { buildEngine } from "../../src/setup.js";
import type { SessionStore } from "../../src/stores/types.js";
import { handleOf, storeContext } from "../support/names.js";
import type { UpstashFault } from "../support/upstash-rest.js";
import { startBackend, type Backend, type ClientKind } from "./backends.js";
import { TestJar } from "../unit/jar.js";

const TIMEOUT_MS = 300;
const PASSWORD = "store-faults-test-password-32-chars!";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const record = (data: Record<string, unknown>) => {
  const now = Date.now();
  return { data, createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000 };
};

/** A store on `backend`; `timeoutMs` only for the store that meets the fault (setup keeps the default). */
function initialised(backend: Backend, timeoutMs?: number): SessionStore {
  const store = backend.makeStore(timeoutMs);
  // A real StoreContext, as createSessions gives one (its at-rest names are keyed by PASSWORD).
  store.init?.(storeContext(PASSWORD));
  return store;
}

/** Every operation of `store` on session `key` of `user`, each expected to fail. */
function operations(store: SessionStore, key: string, user: string): Array<[string, () => Promise<unknown>]> {
  const changed = record({ userId: user, a: 2 });
  return [
    ["load", () => store.load(key, { now: Date.now(), dueBefore: Date.now(), idleMs: 60_000, absoluteMs: 3_600_000 })],
    ["save", () => store.save(changed)],
    ["update", () => store.update(key, changed, { set: ["a"], unset: [], cleared: false })],
    ["touch", () => store.touch(key, changed)],
    ["renew", () => store.renew!(key, changed)],
    ["delete", () => store.delete(key)],
    ["listSessions", () => store.listSessions!(user)],
    ["revokeSessions", () => store.revokeSessions!(user, [key])],
  ];
}

/** The operation rejects with a SessionStoreError that carries the cause and names no session. */
async function expectStoreError(operation: () => Promise<unknown>, secrets: string[]): Promise<void> {
  const error = await operation().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SessionStoreError);
  expect((error as Error).cause).toBeDefined();
  for (const secret of secrets) expect((error as Error).message).not.toContain(secret);
}

describe.each(["@vercel/kv", "@upstash/redis"] satisfies ClientKind[])("kvStore via %s when the REST endpoint fails", (kind) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend(kind);
  });
  afterAll(() => backend.close());

  it.each(["500", "hang", "malformed-json"] satisfies UpstashFault[])("fault %s: every operation rejects with SessionStoreError", async (fault) => {
    const store = initialised(backend);
    const failing = initialised(backend, TIMEOUT_MS);
    // Requests parked by "hang" run once it is cleared: each case has its own user and session.
    const user = `mallory-${fault}`;
    const key = await store.save(record({ userId: user, a: 1 }));
    backend.rest!.fault = fault;
    try {
      for (const [, operation] of operations(failing, key, user)) await expectStoreError(operation, [key, await handleOf(key, PASSWORD), user]);
    } finally {
      backend.rest!.fault = "none";
    }
    if (fault !== "hang") expect((await store.load(key))?.data).toEqual({ userId: user, a: 1 });
  });
});

describe.each(["ioredis", "node-redis", "@upstash/redis"] satisfies ClientKind[])("store via %s when Redis goes down", (kind) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend(kind, { persistence: true });
  });
  afterAll(() => backend.close());

  /** Clients reconnect on their own schedule: retry until the deadline of the test. */
  async function loadOnceBack(store: SessionStore, key: string) {
    for (;;) {
      try {
        return await store.load(key);
      } catch (error) {
        expect(error).toBeInstanceOf(SessionStoreError);
        await sleep(100);
      }
    }
  }

  it("rejects with SessionStoreError while Redis is down; the session loads again once it is back", async () => {
    const store = initialised(backend);
    const failing = initialised(backend, TIMEOUT_MS);
    const key = await store.save(record({ userId: "alice", a: 1 }));
    // TCP clients queue commands while reconnecting and may run them later (see redis.ts), so
    // the writes that fail during the outage go to another session.
    const other = await store.save(record({ userId: "mallory" }));
    await backend.redis.kill!();
    try {
      await expectStoreError(() => failing.load(key), [key, await handleOf(key, PASSWORD)]);
      for (const [, operation] of operations(failing, other, "mallory")) await expectStoreError(operation, [other, await handleOf(other, PASSWORD), "mallory"]);
    } finally {
      await backend.redis.start!();
    }
    expect((await loadOnceBack(store, key))?.data).toEqual({ userId: "alice", a: 1 });
  });

  it("a logout (destroy) during the outage throws SessionStoreError and leaves the session object and the cookie as they were", async () => {
    const engine = buildEngine({ password: PASSWORD, store: backend.makeStore() });
    const open = (jar: TestJar) => engine.open(jar, { writable: true, renew: false });
    const login = new TestJar();
    await (await open(login)).session.set("userId", "ada").save();
    const request = login.next();
    const { session } = await open(request);
    const id = session.id;
    await backend.redis.kill!();
    try {
      await expect(session.destroy()).rejects.toThrow(SessionStoreError);
    } finally {
      await backend.redis.start!();
    }
    expect(session.status).toBe("unchanged");
    expect(session.get("userId")).toBe("ada");
    expect(session.id).toBe(id);
    expect(request.writes).toEqual([]); // no removal cookie: the session still exists
    // Once Redis is back the logout can be retried, and then it sticks.
    await expect.poll(() => session.destroy().then(() => session.status, () => "failed"), { timeout: 10_000 }).toBe("purged");
    expect(request.removed).toContain("session");
    expect((await open(request.next())).session.isNew).toBe(true);
  });
});
