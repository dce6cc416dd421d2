/**
 * What an app on the KV store runs against in tests: the real `@vercel/kv` client (inside the
 * app, configured by KV_REST_API_URL / KV_REST_API_TOKEN) talking HTTP to the Upstash REST
 * fixture in front of a private redis-server, so Redis's own command counts are exact.
 */
import { startApp, type RunningApp } from "./next-app.js";
import { useRedis, type TestRedis } from "./redis.js";
import { startUpstashRest, type UpstashRestServer } from "./upstash-rest.js";

/** Redis commands that change data: what "no store write" means when counted by Redis. */
const WRITES = ["hset", "hdel", "hsetnx", "del", "unlink", "pexpire", "pexpireat", "expire", "expireat", "zadd", "zrem", "zremrangebyscore", "set"];

export interface KvBackend {
  redis: TestRedis;
  rest: UpstashRestServer;
  /** The environment that points an app at this backend. */
  env: Record<string, string>;
  /** Write commands Redis has executed so far (including those run inside scripts). */
  writes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startKvBackend(options: { persistence?: boolean } = {}): Promise<KvBackend> {
  const redis = await useRedis({ private: true, persistence: options.persistence });
  const rest = await startUpstashRest({ redisUrl: redis.url });
  return {
    redis,
    rest,
    env: { KV_REST_API_URL: rest.url, KV_REST_API_TOKEN: rest.token, SESSION_KV_PREFIX: redis.prefix },
    async writes() {
      const stats = await redis.commandStats();
      return WRITES.reduce((sum, command) => sum + (stats[command] ?? 0), 0);
    },
    async stop() {
      await rest.close();
      await redis.stop();
    },
  };
}

/** app-example on a fresh KV backend; `stop()` ends both. */
export async function startKvApp(env: Record<string, string> = {}): Promise<{ kv: KvBackend; app: RunningApp; stop(): Promise<void> }> {
  const kv = await startKvBackend();
  const app = await startApp({ ...kv.env, ...env });
  return {
    kv,
    app,
    async stop() {
      await app.stop();
      await kv.stop();
    },
  };
}
