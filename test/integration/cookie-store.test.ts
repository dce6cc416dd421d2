import { describeAppFlows } from "./app-flows.js";

describeAppFlows("cookie store", () => ({}));
