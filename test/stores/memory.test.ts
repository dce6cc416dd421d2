import type { SessionRecord } from "../../src/stores/types.js";
import { memoryStore } from "../../src/stores/memory.js";
import { describeStoreConformance } from "./conformance.js";

/**
 * What memoryStore keeps at rest: its process-wide map (src/stores/memory.ts shares it on
 * `globalThis` under this symbol), read as text like a Redis dump.
 */
const atRest = () => (globalThis as Record<symbol, Map<string, SessionRecord> | undefined>)[Symbol.for("next-session-kit.memory-store")] ?? new Map();

describeStoreConformance("memoryStore", async () => ({
  makeStore: memoryStore,
  dump: async () => [...atRest()].map(([key, record]) => `${key} ${JSON.stringify(record)}`),
}));
