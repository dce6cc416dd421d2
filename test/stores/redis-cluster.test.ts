import { Cluster, Redis } from "ioredis";
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
