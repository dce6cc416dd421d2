/**
 * Conformance targets on a real Redis: a private redis-server per test file (so what MONITOR
 * and the change counter see is this file's own traffic), reached through each supported
 * client, and for the REST clients through the Upstash REST fixture in front of it.
 */
import { createRequire } from "node:module";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IoRedis } from "ioredis";
import { createClient as createNodeRedis } from "redis";
import { kvStore } from "../../src/stores/kv.js";
import { redisStore } from "../../src/stores/redis.js";
import type { SessionStore } from "../../src/stores/types.js";
import { dumpKeys, useRedis, watchCommands, type CommandWatch, type TestRedis } from "../support/redis.js";
import { startUpstashRest, type UpstashRestServer } from "../support/upstash-rest.js";
import type { ConformanceTarget, Traffic } from "./conformance.js";

// vitest's ESM interop reads `default.__esModule`, and @vercel/kv's default export is a Proxy
// that throws without KV_* variables: load it through require (see test/support/upstash-rest.test.ts).
const { createClient: createKvClient } = createRequire(import.meta.url)("@vercel/kv") as typeof import("@vercel/kv");

export type ClientKind = "ioredis" | "node-redis" | "@vercel/kv" | "@upstash/redis";

/**
 * Measures `action` by what the server saw: every command a client sent (MONITOR), the writes
 * it applied (its change counter, scripts' writes included), and the REST fixture's requests.
 */
export function meter(watch: CommandWatch, rest?: UpstashRestServer) {
  return async (action: () => Promise<unknown>): Promise<Traffic> => {
    const [writes, requests] = [await watch.changes(), rest?.requests];
    const commands = (await watch.during(action)).map(([name]) => name!);
    const traffic: Traffic = { commands, writes: (await watch.changes()) - writes };
    if (rest && requests !== undefined) traffic.requests = rest.requests - requests;
    return traffic;
  };
}

/** A store factory on `redis` through the client `kind`, and how to close that client. */
async function connect(kind: ClientKind, redis: TestRedis, rest: UpstashRestServer | undefined, timeoutMs?: number) {
  /** Store options; `deadline` overrides the backend's `timeoutMs` for one store. */
  const options = (deadline = timeoutMs) => ({ prefix: redis.prefix, ...(deadline && { timeoutMs: deadline }) });
  switch (kind) {
    case "ioredis": {
      const client = new IoRedis(redis.url);
      client.on("error", () => {}); // reconnects on its own; failures surface through the store
      return { makeStore: (deadline?: number) => redisStore({ client, ...options(deadline) }), close: async () => client.disconnect() };
    }
    case "node-redis": {
      const client = createNodeRedis({ url: redis.url });
      client.on("error", () => {}); // reconnects on its own; failures surface through the store
      await client.connect();
      return { makeStore: (deadline?: number) => redisStore({ client, ...options(deadline) }), close: async () => client.destroy() };
    }
    case "@vercel/kv": {
      const client = createKvClient({ url: rest!.url, token: rest!.token, retry: false });
      return { makeStore: (deadline?: number) => kvStore({ client, ...options(deadline) }), close: async () => {} };
    }
    case "@upstash/redis": {
      const client = new UpstashRedis({ url: rest!.url, token: rest!.token, retry: false });
      return { makeStore: (deadline?: number) => kvStore({ client, ...options(deadline) }), close: async () => {} };
    }
  }
}

/** A live backend: the Redis fixture, the REST fixture for REST clients, and a store factory. */
export interface Backend extends ConformanceTarget {
  redis: TestRedis;
  rest: UpstashRestServer | undefined;
  /** A new store; `timeoutMs` gives it a deadline of its own (say a short one for a fault). */
  makeStore(timeoutMs?: number): SessionStore;
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
  const watch = await watchCommands([redis.url]);
  return {
    redis,
    rest,
    makeStore: client.makeStore,
    dump: () => dumpKeys(admin, redis.prefix),
    measure: meter(watch, rest),
    async close() {
      watch.close();
      await client.close();
      admin.disconnect();
      await rest?.close();
      await redis.cleanup().catch(() => {});
      await redis.stop();
    },
  };
}
