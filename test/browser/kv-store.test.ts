/**
 * The browser flows with the KV store (Chromium's, then the core flows in every engine): the app
 * talks to a local Upstash-compatible REST server (test/support/upstash-rest.ts) in front of a
 * real Redis, under a key prefix of its own.
 */
import { afterAll, beforeAll } from "vitest";
import { useRedis, type TestRedis } from "../support/redis.js";
import { startUpstashRest, type UpstashRestServer } from "../support/upstash-rest.js";
import { describeEngineFlows } from "./engine-flows.js";
import { describeBrowserFlows } from "./flows.js";

let redis: TestRedis;
let rest: UpstashRestServer;

beforeAll(async () => {
  redis = await useRedis();
  rest = await startUpstashRest({ redisUrl: redis.url });
});

afterAll(async () => {
  await rest?.close();
  await redis?.cleanup();
  await redis?.stop();
});

const kvEnv = () => ({ KV_REST_API_URL: rest.url, KV_REST_API_TOKEN: rest.token, SESSION_KV_PREFIX: redis.prefix });
describeBrowserFlows("kv", kvEnv, { serverSide: true, storeCommands: () => rest.commands });
describeEngineFlows("kv", kvEnv);
