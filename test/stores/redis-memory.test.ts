/**
 * What one session costs in Redis memory with every metadata field this library writes
 * (times, user digest, fresh-login time, device label and IP), measured by Redis itself with
 * MEMORY USAGE: the session's hash plus what its member adds to the user's index. (The index
 * key's own overhead, about 100 bytes, is paid once per user, not per session.)
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { buildEngine } from "../../src/setup.js";
import { redisStore } from "../../src/stores/redis.js";
import { useRedis, type TestRedis } from "../support/redis.js";
import { TestJar } from "../unit/jar.js";

vi.mock("server-only", () => ({}));

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await useRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.cleanup();
  await redis?.stop();
});

const bytes = async (key: string) => Number(await client.memory("USAGE", key, "SAMPLES", "0"));

it("a logged-in session with its device and fresh-login time takes at most 400 bytes", async () => {
  const store = redisStore({ client, prefix: redis.prefix });
  const engine = buildEngine({ password: "memory-test-password-of-32-chars!!", store, devices: { ip: (headers) => headers.get("x-real-ip") ?? undefined } });
  const headers = new Headers({
    "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0",
    "x-real-ip": "2001:db8:85a3::8a2e:370:7334",
  });
  /** A login as the app example does it; returns the new session's hash key. */
  const logIn = async () => {
    const before = new Set(await client.keys(`${redis.prefix}*:s:*`));
    const { session } = await engine.open(new TestJar(), { writable: true, renew: false, headers });
    await session.renew({ authenticated: true });
    // A UUID, the most common user id: encrypted, it still fits the compact listpack encoding.
    await session.set("userId", "6f1c2a4e-9b7d-4c3a-8e2f-1d5b7a9c0e34").set("name", "Ada Lovelace").save();
    const [key] = (await client.keys(`${redis.prefix}*:s:*`)).filter((name) => !before.has(name));
    expect(await client.hmget(key!, "l", "i", "a")).toEqual(["Edge on Windows", "2001:db8:85a3::8a2e:370:7334", String(session.authenticatedAt)]);
    return key!;
  };
  const indexBytes = async () => {
    const indexes = await client.keys(`${redis.prefix}*:u:*`);
    return (await Promise.all(indexes.map(bytes))).reduce((sum, n) => sum + n, 0);
  };

  // Sessions land in 16 buckets, each with its own index key: log in until two share a bucket.
  const perBucket = new Map<string, string>();
  for (;;) {
    const indexBefore = await indexBytes();
    const key = await logIn();
    const bucket = key.slice(redis.prefix.length, key.indexOf("}") + 1);
    const added = (await indexBytes()) - indexBefore;
    if (!perBucket.has(bucket)) {
      perBucket.set(bucket, key);
      continue;
    }
    const hash = await bytes(key);
    expect(await client.object("ENCODING", key)).toBe("listpack");
    console.log(`per session: hash ${hash} bytes + index member ${added} bytes (prefix ${redis.prefix.length} characters)`);
    expect(hash + added).toBeLessThanOrEqual(400);
    break;
  }
});
