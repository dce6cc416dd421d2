import { describeStoreConformance } from "./conformance.js";
import { startBackend } from "./backends.js";

describeStoreConformance("kvStore via @upstash/redis", () => startBackend("@upstash/redis"));
