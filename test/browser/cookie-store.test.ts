import { describeBrowserFlows } from "./flows.js";

describeBrowserFlows("cookie", () => ({}));
