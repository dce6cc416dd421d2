import { describeStoreConformance } from "./conformance.js";
import { startBackend } from "./backends.js";

describeStoreConformance("kvStore via @vercel/kv", () => startBackend("@vercel/kv"));
