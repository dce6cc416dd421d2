// The Next 16 `proxy.ts` of app-example, on the cookie store.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/http-client.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { describeProxy, SHORT_TIMEOUTS } from "./proxy-flows.js";

const login = async (client: HttpClient) => {
  const response = await client.submit("/login", { username: "ada", password: "lovelace" });
  expect(response.status).toBe(303);
};

describeProxy("Next 16 proxy.ts, cookie store", async () => {
  const app = await startApp(SHORT_TIMEOUTS);
  return { app, login, page: "/dashboard", guarded: "/dashboard", stop: app.stop };
});

describe("Server Actions win over the proxy's renewal in the same request", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(SHORT_TIMEOUTS);
  });
  afterAll(() => app?.stop());

  const dueClient = async () => {
    const client = new HttpClient(app.url);
    await login(client);
    await client.get("/dashboard");
    await sleep(1_300); // renewal is now due: the proxy will re-seal on the next request
    return client;
  };

  it("a save in the action is what the browser keeps", async () => {
    const client = await dueClient();
    const response = await client.submit("/cart", { item: "kettle" }, 'name="item"');
    const writes = response.setCookies.filter((c) => c.name === "session");
    expect(writes.length).toBeGreaterThanOrEqual(1);
    const me = JSON.parse((await client.get("/api/me")).body);
    expect(me.cart).toEqual(["kettle"]);
  });

  it("a destroy in the action is what the browser keeps", async () => {
    const client = await dueClient();
    // Submitting the form costs a GET first (which renews); wait again so the POST itself renews.
    const form = await client.get("/dashboard");
    expect(form.status).toBe(200);
    await sleep(1_300);
    const response = await client.submit("/dashboard", {}, "Log out");
    expect(response.status).toBe(303);
    expect(client.cookies.has("session")).toBe(false);
    expect((await client.get("/api/me")).status).toBe(401);
  });
});
