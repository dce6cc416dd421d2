import { memoryStore } from "../../src/stores/memory.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("memoryStore", async () => ({ makeStore: memoryStore }));
