// Store outages against a real app on the KV store (issue 7 item 2): while the store is down or
// misbehaving, requests fail fast with an error page and no cookie is removed; afterwards every
// session still works and nothing written before the outage is missing.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId } from "../support/http-client.js";
import { startKvBackend, type KvBackend } from "../support/kv-backend.js";
import { startApp, type RunningApp } from "../support/next-app.js";
import type { UpstashFault } from "../support/upstash-rest.js";

describe("store faults (KV store, private Redis with persistence)", () => {
  let kv: KvBackend;
  let app: RunningApp;
  beforeAll(async () => {
    kv = await startKvBackend({ persistence: true });
    // Renewal due on every request after 1 s, so the outage hits reads and renewals alike.
    app = await startApp({ ...kv.env, SESSION_UPDATE_AGE: "1", SESSION_IDLE_TIMEOUT: "600", SESSION_LOG_EVENTS: "1" });
  });
  afterAll(async () => {
    await app?.stop();
    await kv?.stop();
  });

  /** Users with carts, written before the outage. */
  const usersWithCarts = async (count: number) => {
    const clients = [];
    for (let i = 0; i < count; i++) {
      const client = new HttpClient(app.url);
      await client.submit("/login", { username: i % 2 ? "alan" : "ada", password: i % 2 ? "turing" : "lovelace" });
      await client.submit("/cart", { item: `item-${i}-a` }, 'name="item"');
      await client.submit("/cart", { item: `item-${i}-b` }, 'name="item"');
      clients.push(client);
    }
    return clients;
  };

  /** During the outage: a server error, quickly, and the session cookie untouched. */
  const failsWithoutLogout = async (client: HttpClient) => {
    const cookie = client.cookies.get("session");
    for (const path of ["/dashboard", "/cart", "/api/me"]) {
      const response = await client.request(path);
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(response.setCookies.filter((c) => c.name.startsWith("session"))).toEqual([]);
    }
    expect(client.cookies.get("session")).toBe(cookie);
  };

  const stillThere = async (client: HttpClient, index: number) => {
    const me = await client.get("/api/me");
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body).cart).toEqual([`item-${index}-a`, `item-${index}-b`]);
    expect(testId((await client.get("/dashboard")).body, "user")).toMatch(/Ada Lovelace|Alan Turing/);
  };

  it("Redis stopped mid-traffic and started again: no logout, no lost data", { timeout: 120_000 }, async () => {
    const clients = await usersWithCarts(4);
    const cookies = clients.map((client) => client.cookies.get("session"));
    // Requests in flight when Redis stops: the REST fixture parks them ("hang") inside their
    // store call, Redis is stopped, then they go on to the dead Redis.
    const arrived = kv.rest.requests;
    kv.rest.fault = "hang";
    const inFlight = clients.map((client) => client.request("/api/me"));
    while (kv.rest.requests === arrived) await sleep(20);
    try {
      await kv.redis.kill!();
      kv.rest.fault = "none"; // the parked requests go on, to a Redis that is down
      for (const response of await Promise.all(inFlight)) {
        expect(response.status).toBeGreaterThanOrEqual(500);
        expect(response.setCookies.filter((c) => c.name.startsWith("session"))).toEqual([]);
      }
      expect(clients.map((client) => client.cookies.get("session"))).toEqual(cookies);
      for (const client of clients) await failsWithoutLogout(client);
    } finally {
      kv.rest.fault = "none";
      await kv.redis.start!();
    }
    for (const [index, client] of clients.entries()) await stillThere(client, index);
  });

  for (const fault of ["500", "hang", "malformed-json"] as UpstashFault[]) {
    it(`the REST API answering ${fault}: no logout, and the sessions work once it recovers`, { timeout: 120_000 }, async () => {
      const clients = await usersWithCarts(2);
      kv.rest.fault = fault;
      try {
        for (const client of clients) await failsWithoutLogout(client);
      } finally {
        kv.rest.fault = "none";
      }
      for (const [index, client] of clients.entries()) await stillThere(client, index);
    });
  }

  it("the server log of a failed save names no id, digest or data value", { timeout: 120_000 }, async () => {
    const [client] = await usersWithCarts(1);
    const page = await client!.get("/cart"); // the form, fetched before the fault
    const secret = "secret-outage-item-1618";
    // Only the write carrying the new item fails, with a 500 echoing the request (its body holds the cart).
    kv.rest.faultFilter = (body) => body.includes(secret);
    kv.rest.fault = "echo-500";
    try {
      expect((await client!.post(page, { item: secret }, 'name="item"')).status).toBeGreaterThanOrEqual(500);
    } finally {
      kv.rest.fault = "none";
      kv.rest.faultFilter = undefined;
    }
    const logs = app.logs();
    expect(logs).toMatch(/could not update the session/);
    const { Redis } = await import("ioredis");
    const redis = new Redis(kv.redis.url);
    const keys = await redis.keys(`${kv.redis.prefix}*`).finally(() => redis.disconnect());
    const digests = keys.map((key) => key.slice(key.lastIndexOf(":") + 1));
    const cookie = client!.cookies.get("session")!;
    for (const leak of [secret, "item-0-a", cookie, cookie.split(".")[0]!, ...digests]) expect(logs).not.toContain(leak);
  });
});
