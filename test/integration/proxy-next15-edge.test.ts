// Next 15 with an Edge-runtime `middleware.ts`, installed from the packed tarball.
import { expect } from "vitest";
import type { HttpClient } from "../support/http-client.js";
import { startApp } from "../support/next-app.js";
import { packedApp } from "../support/packed-app.js";
import { describeProxy, SHORT_TIMEOUTS } from "./proxy-flows.js";

describeProxy("Next 15 middleware.ts on the Edge runtime, cookie store", async () => {
  const app = await startApp(SHORT_TIMEOUTS, await packedApp("next15-edge"));
  const login = async (client: HttpClient) => {
    const response = await client.request("/api/login", { method: "POST", body: JSON.stringify({ userId: "ada" }) });
    expect(response.status).toBe(200);
  };
  return { app, login, page: "/private", guarded: "/private", stop: app.stop };
});
