import { Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { SessionStoreError } from "../../src/errors.js";
import { storeContext } from "../support/names.js";
import { createCluster } from "redis";
import { redisStore } from "../../src/stores/redis.js";
import { dumpKeys, watchCommands } from "../support/redis.js";
import { meter } from "./backends.js";
import { startCluster, type TestCluster } from "./cluster.js";
import { describeStoreConformance, type ConformanceTarget } from "./conformance.js";

/** The at-rest dump and the traffic measure over every node of `cluster` (keys live on all three). */
async function observed(cluster: TestCluster): Promise<Pick<ConformanceTarget, "dump" | "measure"> & { close(): void }> {
  const urls = cluster.nodes.map(({ host, port }) => `redis://${host}:${port}`);
  const admins = urls.map((url) => new Redis(url));
  const watch = await watchCommands(urls);
  return {
    dump: async () => (await Promise.all(admins.map((admin) => dumpKeys(admin, "nsk:")))).flat(),
    measure: meter(watch),
    close: () => {
      watch.close();
      for (const admin of admins) admin.disconnect();
    },
  };
}

describeStoreConformance("redisStore via ioredis Cluster", async () => {
  const cluster = await startCluster();
  const client = new Cluster(cluster.nodes);
  // The slot map loaded before the first test: its first command must not pay for that (a busy machine takes seconds).
  await client.ping();
  const { close, ...observe } = await observed(cluster);
  return {
    makeStore: () => redisStore({ client }),
    ...observe,
    close: async () => {
      close();
      client.disconnect();
      await cluster.stop();
    },
  };
});

describeStoreConformance("redisStore via node-redis createCluster()", async () => {
  const cluster = await startCluster();
  const client = createCluster({ rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
  await client.connect();
  const { close, ...observe } = await observed(cluster);
  return {
    makeStore: () => redisStore({ client }),
    ...observe,
    close: async () => {
      close();
      client.destroy();
      await cluster.stop();
    },
  };
});

describe("revokeSessions while one Cluster node is down (a partial outage)", () => {
  it("ends the sessions on the nodes that answer, then throws SessionStoreError saying how many ended and that some may be alive", async () => {
    const cluster = await startCluster({ fullCoverage: false });
    const client = new Cluster(cluster.nodes, { clusterRetryStrategy: () => 100 });
    try {
      const store = redisStore({ client, timeoutMs: 1_000 });
      store.init?.(storeContext("cluster-partial-outage-password-32chars"));
      const now = Date.now();
      // 48 sessions of one user: every bucket, so every node, holds some.
      const ids = await Promise.all(Array.from({ length: 48 }, () => store.save({ data: { userId: "ada" }, createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000 })));
      await cluster.kill(2);
      const error = await store.revokeSessions!("ada", []).then(() => undefined, (reason: unknown) => reason);
      expect(error).toBeInstanceOf(SessionStoreError);
      const [, ended, failed] = /ended (\d+) sessions?, but (\d+) of 16 index buckets/.exec((error as Error).message) ?? [];
      expect(Number(failed)).toBeGreaterThan(0);
      expect(Number(failed)).toBeLessThan(16);
      expect((error as Error).message).toMatch(/may still be alive.*Call it again until it resolves/s);
      // What the error reports is what happened: exactly the sessions on the live nodes ended.
      const loads = await Promise.allSettled(ids.map((id) => store.load(id)));
      const gone = loads.filter((load) => load.status === "fulfilled" && load.value === undefined).length;
      const unreachable = loads.filter((load) => load.status === "rejected").length;
      expect(gone).toBe(Number(ended));
      expect(gone).toBeGreaterThan(0);
      expect(unreachable).toBe(ids.length - gone);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });
});
