// The app flows and the proxy on the KV store: @vercel/kv over HTTP to a real Redis.
import { afterAll, beforeAll, expect } from "vitest";
import type { HttpClient } from "../support/http-client.js";
import { startKvBackend, type KvBackend } from "../support/kv-backend.js";
import { startApp } from "../support/next-app.js";
import { describeAppFlows } from "./app-flows.js";
import { describeProxy, SHORT_TIMEOUTS } from "./proxy-flows.js";

let kv: KvBackend;
beforeAll(async () => {
  kv = await startKvBackend();
});
afterAll(() => kv?.stop());

describeAppFlows("KV store", () => kv.env);

describeProxy("Next 16 proxy.ts, KV store", async () => {
  const app = await startApp({ ...kv.env, ...SHORT_TIMEOUTS });
  const login = async (client: HttpClient) => {
    expect((await client.submit("/login", { username: "ada", password: "lovelace" })).status).toBe(303);
  };
  return { app, login, page: "/dashboard", guarded: "/dashboard", storeWrites: kv.writes, cartSaveCookies: 1, stop: app.stop };
});
