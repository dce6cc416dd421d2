import { describeStoreConformance } from "./conformance.js";
import { startBackend } from "./backends.js";

describeStoreConformance("redisStore via ioredis", () => startBackend("ioredis"));
