/**
 * app-example over HTTP against a real `next build` + `next start`: Server Components read,
 * Server Actions write, Route Handlers answer JSON, and a Server Component that tries to
 * write shows the clear error. Run once per store (cookie-store.test.ts, kv-store.test.ts…).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { useRedis, type TestRedis } from "../support/redis.js";

/** Starts app-example with `env` added: `next start` by default (see startApp, startStandalone). */
export type StartApp = (env: Record<string, string>) => Promise<RunningApp>;

export function describeAppFlows(storeName: string, env: () => Record<string, string>, start: StartApp = startApp): void {
  describe(`app-example flows (${storeName})`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await start(env());
    });
    afterAll(() => app?.stop());

    const login = async (client: HttpClient, username = "ada", password = "lovelace") =>
      client.submit("/login", { username, password });

    it("a Server Component renders a logged-out page without creating a session", async () => {
      const client = new HttpClient(app.url);
      const page = await client.get("/");
      expect(page.status).toBe(200);
      expect(page.body).toContain("You are not signed in");
      expect(page.setCookies).toEqual([]);
    });

    it("wrong credentials show an error and set no session", async () => {
      const client = new HttpClient(app.url);
      const response = await login(client, "ada", "wrong");
      expect(response.status).toBe(200);
      expect(response.body).toContain("Wrong username or password.");
      expect(client.cookies.has("session")).toBe(false);
    });

    it("login (a Server Action) writes the session; the dashboard shows user and flash once", async () => {
      const client = new HttpClient(app.url);
      const response = await login(client);
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe("/dashboard");
      const cookie = response.setCookies.find((c) => c.name === "session");
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
      expect(cookie!.maxAge).toBeGreaterThan(0);

      const dashboard = await client.get("/dashboard");
      expect(dashboard.path).toBe("/dashboard");
      expect(testId(dashboard.body, "user")).toBe("Ada Lovelace");
      expect(testId(dashboard.body, "flash")).toBe("Welcome back, Ada Lovelace!");

      const again = await client.get("/dashboard");
      expect(testId(again.body, "user")).toBe("Ada Lovelace");
      expect(testId(again.body, "flash")).toBeUndefined();
    });

    it("login follows a local `next` and refuses an open redirect (falls back to /)", async () => {
      const to = async (next: string) =>
        (await new HttpClient(app.url).submit(`/login?next=${encodeURIComponent(next)}`, { username: "ada", password: "lovelace" })).headers.get("location");
      expect(await to("/cart?x=1")).toBe("/cart?x=1");
      expect(await to("/\\evil.example")).toBe("/");
      expect(await to("https://evil.example/")).toBe("/");
    });

    it("a Route Handler returns the session as JSON, 401 when logged out", async () => {
      const anonymous = await new HttpClient(app.url).get("/api/me");
      expect(anonymous.status).toBe(401);
      const client = new HttpClient(app.url);
      await login(client);
      const me = await client.get("/api/me");
      expect(me.status).toBe(200);
      const json = JSON.parse(me.body);
      expect(json).toMatchObject({ userId: "ada", name: "Ada Lovelace", cart: [] });
      expect(json.expiresAt).toBeGreaterThan(Date.now());
    });

    it("a Server Component that writes gets SessionReadOnlyError naming the fix", async () => {
      const page = await new HttpClient(app.url).get("/readonly");
      expect(page.status).toBe(200);
      const message = testId(page.body, "error");
      expect(message).toMatch(/^SessionReadOnlyError: /);
      expect(message).toMatch(/Server Action/);
      expect(message).toMatch(/Route Handler/);
      expect(testId(page.body, "shared")).toBe("true"); // getSession() is memoised per request
    });

    it("the cart survives reloads and logout ends the session", async () => {
      const client = new HttpClient(app.url);
      await login(client);
      await client.submit("/cart", { item: "tea" }, 'name="item"');
      await client.submit("/cart", { item: "scones" }, 'name="item"');
      const cart = await client.get("/cart");
      expect(testId(cart.body, "count")).toBe("2");
      const logout = await client.submit("/dashboard", {}, "Log out");
      expect(logout.status).toBe(303);
      const after = await client.get("/dashboard");
      expect(after.path).toBe("/login?next=%2Fdashboard");
      expect((await client.get("/api/me")).status).toBe(401);
    });
  });
}

/** The flows on the Redis store over TCP (ioredis), with a key prefix of this file's own. */
export function describeAppFlowsOnRedis(name = "Redis store", start?: StartApp): void {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await useRedis();
  });
  afterAll(async () => {
    await redis?.cleanup();
    await redis?.stop();
  });
  describeAppFlows(name, () => ({ REDIS_URL: redis.url, SESSION_KV_PREFIX: redis.prefix }), start);
}
