// The Next 16 `proxy.ts` of app-example, on the cookie store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/http-client.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { describeProxy, pastUpdateAge, SHORT_TIMEOUTS } from "./proxy-flows.js";

const login = async (client: HttpClient) => {
  const response = await client.submit("/login", { username: "ada", password: "lovelace" });
  expect(response.status).toBe(303);
};

describeProxy("Next 16 proxy.ts, cookie store", async () => {
  const app = await startApp(SHORT_TIMEOUTS);
  return { app, login, page: "/dashboard", guarded: "/dashboard", cartSaveCookies: 2, stop: app.stop };
});

describe("Server Actions win over the proxy's renewal in the same request", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(SHORT_TIMEOUTS);
  });
  afterAll(() => app?.stop());

  /**
   * Logs in, fetches the form page (that GET may renew), then waits past `updateAge` so the
   * POST of the form is itself renewal-due: the proxy and the action both write the cookie in
   * the same response.
   */
  const formDueForRenewal = async (path: string) => {
    const client = new HttpClient(app.url);
    await login(client);
    await client.get("/dashboard"); // retires the login flash
    const form = await client.get(path);
    expect(form.status).toBe(200);
    await pastUpdateAge();
    return { client, form };
  };

  /** What /api/me says for a browser holding only `value` as its session cookie. */
  const meWith = async (value: string) => {
    const probe = new HttpClient(app.url);
    probe.cookies.set("session", value);
    return probe.request("/api/me");
  };

  it("a save in the action is what the browser keeps", async () => {
    const { client, form } = await formDueForRenewal("/cart");
    const response = await client.post(form, { item: "kettle" }, 'name="item"');
    const writes = response.setCookies.filter((c) => c.name === "session");
    // The proxy renewed (first), then the action saved (last): the browser keeps the last.
    expect(writes).toHaveLength(2);
    expect(writes.every((c) => c.maxAge! > 0)).toBe(true);
    expect(JSON.parse((await meWith(writes[0]!.value!)).body).cart).toEqual([]);
    expect(JSON.parse((await meWith(writes[1]!.value!)).body).cart).toEqual(["kettle"]);
    expect(client.cookies.get("session")).toBe(writes[1]!.value);
    const me = JSON.parse((await client.get("/api/me")).body);
    expect(me.cart).toEqual(["kettle"]);
  });

  it("a destroy in the action is what the browser keeps", async () => {
    const { client, form } = await formDueForRenewal("/dashboard");
    const response = await client.post(form, {}, "Log out");
    expect(response.status).toBe(303);
    const writes = response.setCookies.filter((c) => c.name === "session");
    // The proxy renewed (first), then the action destroyed (last): the removal wins.
    expect(writes).toHaveLength(2);
    expect(writes[0]!.maxAge).toBeGreaterThan(0);
    expect(writes[1]).toMatchObject({ value: "", maxAge: 0 });
    expect(client.cookies.has("session")).toBe(false);
    expect((await client.get("/api/me")).status).toBe(401);
  });
});
