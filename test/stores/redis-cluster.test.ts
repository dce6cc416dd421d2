import { Cluster } from "ioredis";
import { createCluster } from "redis";
import { redisStore } from "../../src/stores/redis.js";
import { startCluster } from "./cluster.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("redisStore via ioredis Cluster", async () => {
  const cluster = await startCluster();
  const client = new Cluster(cluster.nodes);
  return {
    makeStore: () => redisStore({ client }),
    close: async () => {
      client.disconnect();
      await cluster.stop();
    },
  };
});

describeStoreConformance("redisStore via node-redis createCluster()", async () => {
  const cluster = await startCluster();
  const client = createCluster({ rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
  await client.connect();
  return {
    makeStore: () => redisStore({ client }),
    close: async () => {
      client.destroy();
      await cluster.stop();
    },
  };
});
