import { cookieStore } from "../../src/stores/cookie.js";
import { describeStoreConformance } from "./conformance.js";

describeStoreConformance("cookieStore (declares what it cannot do)", async () => ({ makeStore: cookieStore }));
