// The app flows on the Redis store over TCP (ioredis), as a self-hosted app would run.
import { afterAll, beforeAll } from "vitest";
import { useRedis, type TestRedis } from "../support/redis.js";
import { describeAppFlows } from "./app-flows.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await useRedis();
});
afterAll(async () => {
  await redis?.cleanup();
  await redis?.stop();
});

describeAppFlows("Redis store", () => ({ REDIS_URL: redis.url, SESSION_KV_PREFIX: redis.prefix }));
