import { describeStoreConformance } from "./conformance.js";
import { startBackend } from "./backends.js";

describeStoreConformance("redisStore via node-redis", () => startBackend("node-redis"));
