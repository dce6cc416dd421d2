import type { SessionRecord } from "../../src/stores/types.js";
import { memoryStore } from "../../src/stores/memory.js";
import { describeStoreConformance } from "./conformance.js";

/**
 * What memoryStore keeps at rest: its process-wide spaces, one per configuration
 * (src/stores/memory.ts shares them on `globalThis` under this symbol), read as text like a Redis dump.
 */
type Spaces = Map<string, { sessions: Map<string, SessionRecord> }>;
const atRest = () => [...((globalThis as Record<symbol, Spaces | undefined>)[Symbol.for("next-session-kit.memory-store")] ?? new Map()).values()];

describeStoreConformance("memoryStore", async () => ({
  makeStore: memoryStore,
  dump: async () => atRest().flatMap((space) => [...space.sessions].map(([key, record]) => `${key} ${JSON.stringify(record)}`)),
}));
