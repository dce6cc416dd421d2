// The proxy's gate fails closed during a store outage (issue 10 item 1), against real apps: the
// KV store with its REST server stopped, and the Redis store with redis-server killed. A page
// behind the gate that never reads the session must not be served to a validly signed cookie
// while the store cannot say whose it is; anonymous visitors are still redirected; no cookie is
// removed; and afterwards the user is still logged in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/http-client.js";
import { startKvApp } from "../support/kv-backend.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import { useRedis, type TestRedis } from "../support/redis.js";

const GUIDE = "/dashboard/guide"; // gated by app-example/proxy.ts, never reads the session
const MEMBERS_ONLY = "Only signed-in members see this page.";

function describeOutage(name: string, start: () => Promise<{ app: RunningApp; down(): Promise<void>; up(): Promise<void>; stop(): Promise<void> }>) {
  describe(`the gate during an outage (${name})`, () => {
    let target: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      target = await start();
    });
    afterAll(() => target?.stop());

    it("is not served to a signed cookie, still redirects anonymous visitors, removes no cookie, and the user is back afterwards", { timeout: 120_000 }, async () => {
      const user = new HttpClient(target.app.url);
      expect((await user.submit("/login", { username: "ada", password: "lovelace" })).status).toBe(303);
      expect((await user.get(GUIDE)).body).toContain(MEMBERS_ONLY);
      const cookie = user.cookies.get("session");
      await target.down();
      try {
        const during = await user.request(GUIDE);
        expect(during.status).toBe(503);
        expect(during.body).not.toContain(MEMBERS_ONLY);
        expect(during.setCookies.filter((c) => c.name.startsWith("session"))).toEqual([]);
        const anonymous = await new HttpClient(target.app.url).request(GUIDE);
        expect(anonymous.status).toBe(307);
        expect(anonymous.headers.get("location")).toMatch(/\/login\?next=%2Fdashboard%2Fguide$/);
        // The login page still renders for the signed-in visitor (its header shows no name).
        const login = await user.request("/login");
        expect(login.status).toBe(200);
        expect(login.body).toContain('name="username"');
        expect(login.setCookies.filter((c) => c.name.startsWith("session"))).toEqual([]);
        expect(user.cookies.get("session")).toBe(cookie);
      } finally {
        await target.up();
      }
      const after = await user.get(GUIDE);
      expect(after.status).toBe(200);
      expect(after.body).toContain(MEMBERS_ONLY);
      expect(JSON.parse((await user.get("/api/me")).body).userId).toBe("ada");
    });
  });
}

describeOutage("KV store, REST server stopped", async () => {
  const { kv, app, stop } = await startKvApp();
  return { app, down: () => kv.rest.stop(), up: () => kv.rest.start(), stop };
});

describeOutage("Redis store, redis-server killed", async () => {
  const redis: TestRedis = await useRedis({ persistence: true });
  const app = await startApp({ REDIS_URL: redis.url, SESSION_KV_PREFIX: redis.prefix });
  return {
    app,
    down: () => redis.kill!(),
    up: () => redis.start!(),
    stop: async () => {
      await app.stop();
      await redis.stop();
    },
  };
});
