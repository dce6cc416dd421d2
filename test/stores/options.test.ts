/**
 * Configuration of the Redis-backed stores: what is refused up front (with the fix in the
 * message), the default client (what @vercel/kv's `kv` is), and the Edge-safety of the kv module graph.
 */
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis as IoRedis } from "ioredis";
import { SessionConfigError } from "../../src/errors.js";
import { kvStore } from "../../src/stores/kv.js";
import { redisStore, type IoRedisClient } from "../../src/stores/redis.js";
import { storeContext } from "../support/names.js";
import { startBackend, type Backend } from "./backends.js";

vi.mock("server-only", () => ({}));

const PASSWORD = "options-test-password-of-32-chars!";
/** A real StoreContext, as createSessions gives one. */
const context = storeContext(PASSWORD);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("kvStore() without a client", () => {
  it("refuses to start without KV_REST_API_URL and KV_REST_API_TOKEN, naming both", () => {
    vi.stubEnv("KV_REST_API_URL", undefined);
    vi.stubEnv("KV_REST_API_TOKEN", "token");
    const error = (() => {
      try {
        kvStore().init?.(context);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SessionConfigError);
    expect((error as SessionConfigError).missing).toBe(true);
    expect((error as Error).message).toMatch(/KV_REST_API_URL.*KV_REST_API_TOKEN/s);
  });

  it("fails createSessions, except while `next build` runs", async () => {
    vi.stubEnv("KV_REST_API_URL", undefined);
    vi.stubEnv("KV_REST_API_TOKEN", undefined);
    const { createSessions } = await import("../../src/index.js");
    expect(() => createSessions({ password: PASSWORD, store: kvStore() })).toThrow(SessionConfigError);
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    expect(() => createSessions({ password: PASSWORD, store: kvStore() })).not.toThrow();
  });

  describe("with the variables set", () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await startBackend("@vercel/kv");
    });
    afterAll(() => backend.close());

    it("builds @vercel/kv's client (Upstash on the two variables) on first use and stores through it", async () => {
      vi.stubEnv("KV_REST_API_URL", backend.rest!.url);
      vi.stubEnv("KV_REST_API_TOKEN", backend.rest!.token);
      const store = kvStore({ prefix: backend.redis.prefix });
      store.init?.(context);
      const now = Date.now();
      const saved = { data: { a: "1" }, createdAt: now, lastSeenAt: now, expiresAt: now + 60_000 };
      const requests = backend.rest!.requests;
      expect(await store.load(await store.save(saved))).toEqual(saved);
      expect(backend.rest!.requests).toBeGreaterThan(requests);
    });
  });

  it("is not needed when a client is given", () => {
    vi.stubEnv("KV_REST_API_URL", undefined);
    vi.stubEnv("KV_REST_API_TOKEN", undefined);
    const client = { eval: async () => [], evalsha: async () => [] }; // fake client: never called, only passed
    expect(() => kvStore({ client }).init?.(context)).not.toThrow();
  });
});

describe("refused options", () => {
  /** Fake client: option checks refuse before any command is sent. */
  const client = { eval: async () => [], evalsha: async () => [] };

  it("a prefix with braces (it would break the Cluster hash tags)", () => {
    expect(() => kvStore({ client, prefix: "{app}:" })).toThrow(SessionConfigError);
    expect(() => redisStore({ client: client as unknown as IoRedisClient, prefix: "a}" })).toThrow(/hash tag/);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, "2000"])("timeoutMs %s (not a finite positive number of milliseconds)", (timeoutMs) => {
    expect(() => kvStore({ client, timeoutMs: timeoutMs as number })).toThrow(SessionConfigError);
    expect(() => redisStore({ client: client as unknown as IoRedisClient, timeoutMs: timeoutMs as number })).toThrow(/redisStore\(\{ timeoutMs \}\) must be a finite number of milliseconds above 0/);
  });

  it("accepts a finite positive timeoutMs", () => {
    expect(kvStore({ client, timeoutMs: 150 }).serverSide).toBe(true);
  });

  it("redisStore without a client", () => {
    expect(() => redisStore({} as never)).toThrow(SessionConfigError);
  });

  it("an ioredis client with keyPrefix", () => {
    const prefixed = new IoRedis({ keyPrefix: "app:", lazyConnect: true });
    expect(() => redisStore({ client: prefixed })).toThrow(/keyPrefix/);
    prefixed.disconnect();
  });
});

describe("the kv module graph runs on the Edge runtime", () => {
  const sources = ["kv.ts", "redis-common/store.ts", "redis-common/bounded.ts", "redis-common/fields.ts", "redis-common/layout.ts", "redis-common/lua-script.ts", "redis-common/scripts.ts"];

  it.each(sources)("%s imports nothing from node: and no client package statically", (file) => {
    const source = readFileSync(new URL(`../../src/stores/${file}`, import.meta.url), "utf8");
    expect(source).not.toMatch(/from\s+["']node:/);
    expect(source).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+["'](@vercel\/kv|@upstash\/redis|ioredis|redis)["']/m);
  });
});
