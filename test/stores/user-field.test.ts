/**
 * The user field (`userKey`) at rest on a Redis-backed store (issue 11 item 3): encrypted, bound
 * to its session, and a value stored in clear by 0.1.0 still read. Real Redis via ioredis; the
 * hash is read and edited with a second client, as someone holding a dump or write access would.
 */
import { Redis as IoRedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layout } from "../../src/stores/redis-common/layout.js";
import type { SessionRecord, SessionStore, StoreEvent } from "../../src/stores/types.js";
import { handleOf, storeContext } from "../support/names.js";
import { startBackend, type Backend } from "./backends.js";

const PASSWORD = "user-field-test-password-of-32-chars";
const record = (data: Record<string, unknown>): SessionRecord => {
  const now = Date.now();
  return { data, createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000 };
};

describe("the user field at rest (redisStore via ioredis)", () => {
  let backend: Backend;
  let admin: IoRedis;
  const events: StoreEvent[] = [];
  let store: SessionStore;
  beforeAll(async () => {
    backend = await startBackend("ioredis");
    admin = new IoRedis(backend.redis.url);
    store = backend.makeStore();
    store.init?.(storeContext(PASSWORD, { report: (event) => events.push(event) }));
  });
  afterAll(async () => {
    admin?.disconnect();
    await backend?.close();
  });
  const keyOf = async (id: string) => layout(backend.redis.prefix).session(await handleOf(id, PASSWORD));

  it("is stored encrypted, and copied into another session it does not open (reported as an invalid record)", async () => {
    const ada = await store.save(record({ userId: "ada@example.com", cart: ["tea"] }));
    const bob = await store.save(record({ userId: "bob@example.com" }));
    const hidden = await admin.hget(await keyOf(ada), "d:userId");
    expect(hidden).toMatch(/^[A-Za-z0-9_-]{30,}$/); // base64url: neither JSON nor the id
    expect(JSON.stringify(await admin.hgetall(await keyOf(ada)))).not.toContain("ada@example.com");
    expect((await store.load(ada))?.data).toEqual({ userId: "ada@example.com", cart: ["tea"] });

    await admin.hset(await keyOf(bob), "d:userId", hidden!);
    events.length = 0;
    expect(await store.load(bob)).toBeUndefined();
    expect(events).toEqual([{ type: "invalid-record", reason: "unreadable session hash" }]);
  });

  it("a numeric user id is stored encrypted too, and read back as a number", async () => {
    const id = await store.save(record({ userId: 4711 }));
    expect(await admin.hget(await keyOf(id), "d:userId")).not.toContain("4711");
    expect((await store.load(id))?.data).toEqual({ userId: 4711 });
  });

  it("a value stored in clear (by 0.1.0) is still read, and encrypted at its next write", async () => {
    const id = await store.save(record({ userId: "cleo@example.com" }));
    await admin.hset(await keyOf(id), "d:userId", JSON.stringify("cleo@example.com"));
    expect((await store.load(id))?.data).toEqual({ userId: "cleo@example.com" });
    await store.update(id, record({ userId: "cleo@example.com" }), { set: ["userId"], unset: [], cleared: false });
    expect(await admin.hget(await keyOf(id), "d:userId")).toMatch(/^[A-Za-z0-9_-]{30,}$/);
    expect((await store.load(id))?.data).toEqual({ userId: "cleo@example.com" });
  });
});
