import { describeEngineFlows } from "./engine-flows.js";
import { describeBrowserFlows } from "./flows.js";

describeBrowserFlows("cookie", () => ({}));
describeEngineFlows("cookie", () => ({}));
