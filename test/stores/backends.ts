/**
 * Conformance targets on a real Redis: a private redis-server per test file (so INFO
 * commandstats deltas are exact), reached through each supported client, and for the REST
 * clients through the Upstash REST fixture in front of it.
 */
import { createRequire } from "node:module";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IoRedis } from "ioredis";
import { createClient as createNodeRedis } from "redis";
import { kvStore } from "../../src/stores/kv.js";
import { redisStore } from "../../src/stores/redis.js";
import type { SessionStore } from "../../src/stores/types.js";
import { useRedis, type TestRedis } from "../support/redis.js";
import { startUpstashRest, type UpstashRestServer } from "../support/upstash-rest.js";
import type { ConformanceTarget, Traffic } from "./conformance.js";

// vitest's ESM interop reads `default.__esModule`, and @vercel/kv's default export is a Proxy
// that throws without KV_* variables: load it through require (see test/support/upstash-rest.test.ts).
const { createClient: createKvClient } = createRequire(import.meta.url)("@vercel/kv") as typeof import("@vercel/kv");

export type ClientKind = "ioredis" | "node-redis" | "@vercel/kv" | "@upstash/redis";

/** Commands that change data; an unchanged read must run none of them. */
const WRITES = ["hset", "hdel", "del", "unlink", "pexpireat", "zadd", "zrem", "zremrangebyscore"];

/** Everything under `prefix`, one line per key: name, then its fields/members and values. */
async function dump(admin: IoRedis, prefix: string): Promise<string[]> {
  const keys = await admin.keys(`${prefix}*`);
  return Promise.all(
    keys.map(async (key) => {
      const type = await admin.type(key);
      const content = type === "hash" ? await admin.hgetall(key) : await admin.zrange(key, 0, -1, "WITHSCORES");
      return `${key} ${JSON.stringify(content)}`;
    }),
  );
}

/** Measures `action` by the server's own counters (and the REST fixture's request count). */
function meter(redis: TestRedis, rest: UpstashRestServer | undefined) {
  return async (action: () => Promise<unknown>): Promise<Traffic> => {
    const [before, requests] = [await redis.commandStats(), rest?.requests];
    await action();
    const after = await redis.commandStats();
    const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
    const traffic: Traffic = { scripts: delta("evalsha") + delta("eval"), writes: WRITES.reduce((sum, name) => sum + delta(name), 0) };
    if (rest && requests !== undefined) traffic.requests = rest.requests - requests;
    return traffic;
  };
}

/** A store factory on `redis` through the client `kind`, and how to close that client. */
async function connect(kind: ClientKind, redis: TestRedis, rest: UpstashRestServer | undefined, timeoutMs?: number) {
  const options = { prefix: redis.prefix, ...(timeoutMs && { timeoutMs }) };
  switch (kind) {
    case "ioredis": {
      const client = new IoRedis(redis.url);
      client.on("error", () => {}); // reconnects on its own; failures surface through the store
      return { makeStore: () => redisStore({ client, ...options }), close: async () => client.disconnect() };
    }
    case "node-redis": {
      const client = createNodeRedis({ url: redis.url });
      client.on("error", () => {}); // reconnects on its own; failures surface through the store
      await client.connect();
      return { makeStore: () => redisStore({ client, ...options }), close: async () => client.destroy() };
    }
    case "@vercel/kv": {
      const client = createKvClient({ url: rest!.url, token: rest!.token, retry: false });
      return { makeStore: () => kvStore({ client, ...options }), close: async () => {} };
    }
    case "@upstash/redis": {
      const client = new UpstashRedis({ url: rest!.url, token: rest!.token, retry: false });
      return { makeStore: () => kvStore({ client, ...options }), close: async () => {} };
    }
  }
}

/** A live backend: the Redis fixture, the REST fixture for REST clients, and a store factory. */
export interface Backend extends ConformanceTarget {
  redis: TestRedis;
  rest: UpstashRestServer | undefined;
  makeStore(): SessionStore;
  close(): Promise<void>;
}

/**
 * Starts a private Redis (with `persistence`, data survives kill/start) and connects `kind`.
 * `timeoutMs` is handed to the store.
 */
export async function startBackend(kind: ClientKind, options: { persistence?: boolean; timeoutMs?: number } = {}): Promise<Backend> {
  const redis = await useRedis({ private: true, persistence: options.persistence });
  const rest = kind.startsWith("@") ? await startUpstashRest({ redisUrl: redis.url }) : undefined;
  const client = await connect(kind, redis, rest, options.timeoutMs);
  const admin = new IoRedis(redis.url, { lazyConnect: true });
  admin.on("error", () => {});
  return {
    redis,
    rest,
    makeStore: client.makeStore,
    dump: () => dump(admin, redis.prefix),
    measure: meter(redis, rest),
    async close() {
      await client.close();
      admin.disconnect();
      await rest?.close();
      await redis.cleanup().catch(() => {});
      await redis.stop();
    },
  };
}
