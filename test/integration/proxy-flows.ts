/**
 * The proxy against a real `next start`: rolling renewal visible in the same request, purge of
 * dead cookies, throttling, composition with the app's handler, and Server Actions winning over
 * the proxy's renewal. Timeouts are shortened through the app's environment.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId, type Exchange } from "../support/http-client.js";
import type { RunningApp } from "../support/next-app.js";

/** Short timeouts: renewal due after 1 s, idle death after 4 s. */
export const SHORT_TIMEOUTS = { SESSION_IDLE_TIMEOUT: "4", SESSION_UPDATE_AGE: "1", SESSION_ABSOLUTE_TIMEOUT: "60" };

export interface ProxyApp {
  app: RunningApp;
  /** Logs a client in (the app's own way: a Server Action, or a Route Handler). */
  login(client: HttpClient): Promise<void>;
  /** Path of a page that renders `data-testid="expires-ms"` and `data-testid="user"`. */
  page: string;
  /** Path the proxy's handler protects by redirecting logged-out visitors. */
  guarded: string;
  /** Store writes so far (undefined for the cookie store: cookies are the writes). */
  storeWrites?(): Promise<number>;
  stop(): Promise<void>;
}

const sessionCookie = (exchange: Exchange, name = "session") => exchange.setCookies.find((c) => c.name === name);

export function describeProxy(name: string, start: () => Promise<ProxyApp>): void {
  describe(`proxy (${name})`, () => {
    let target: ProxyApp;
    beforeAll(async () => {
      target = await start();
    });
    afterAll(() => target?.stop());

    const loggedIn = async () => {
      const client = new HttpClient(target.app.url);
      await target.login(client);
      await client.get(target.page); // retires the login flash, if any
      return client;
    };

    it("a throttled request (renewal not due) writes nothing", async () => {
      const client = await loggedIn();
      const before = await target.storeWrites?.();
      const page = await client.get(target.page);
      expect(page.status).toBe(200);
      expect(page.setCookies).toEqual([]);
      expect(await target.storeWrites?.()).toBe(before);
    });

    it("a renewal-due request returns the renewed cookie and a page that already shows it", async () => {
      const client = await loggedIn();
      const first = Number(testId((await client.get(target.page)).body, "expires-ms"));
      await sleep(1_300);
      const startedAt = Date.now();
      const page = await client.get(target.page);
      const renewed = sessionCookie(page);
      expect(renewed?.maxAge).toBeGreaterThan(0);
      const shown = Number(testId(page.body, "expires-ms"));
      expect(shown).toBeGreaterThan(first);
      // The page rendered the expiry the proxy just wrote (Max-Age counts whole seconds).
      expect(Math.abs(startedAt + renewed!.maxAge! * 1000 - shown)).toBeLessThan(2_000);
      expect(page.headers.get("cache-control")).toMatch(/no-store/);
      // Renewal does not run twice: the next request is throttled again.
      expect((await client.get(target.page)).setCookies).toEqual([]);
    });

    it("a tampered cookie is removed (same attributes) and the page shows a new session", async () => {
      const client = await loggedIn();
      const value = client.cookies.get("session")!;
      const middle = Math.floor(value.length / 2);
      client.cookies.set("session", value.slice(0, middle) + (value[middle] === "A" ? "B" : "A") + value.slice(middle + 1));
      const response = await client.request(target.guarded);
      expect(response.status).toBe(307);
      expect(response.headers.get("location")).toMatch(/\/login/);
      const removal = sessionCookie(response);
      expect(removal).toMatchObject({ value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: "lax" });
      expect(client.cookies.has("session")).toBe(false);
      const home = await client.get(target.page);
      expect(home.path).toMatch(/\/login/);
    });

    it("an idle-expired session is purged", async () => {
      const client = await loggedIn();
      await sleep(4_500);
      const response = await client.request(target.guarded);
      expect(response.status).toBe(307);
      expect(sessionCookie(response)?.maxAge).toBe(0);
    });

    it("steady activity keeps the session alive past the idle timeout", async () => {
      const client = await loggedIn();
      for (let i = 0; i < 5; i++) {
        await sleep(1_200);
        expect((await client.get(target.page)).path).toBe(target.page);
      }
    });

    it("browser prefetches (Sec-Purpose: prefetch) renew nothing", async () => {
      const client = await loggedIn();
      await sleep(1_300);
      const before = await target.storeWrites?.();
      const prefetch = await client.request(target.page, { headers: { "sec-purpose": "prefetch" } });
      expect(prefetch.status).toBe(200);
      expect(sessionCookie(prefetch)).toBeUndefined();
      expect(await target.storeWrites?.()).toBe(before);
    });

    it("a redirect returned by the handler carries the session cookie changes", async () => {
      const client = await loggedIn();
      await sleep(4_500);
      const redirect = await client.request(target.guarded);
      expect(redirect.status).toBe(307);
      expect(redirect.headers.get("cache-control")).toMatch(/private, no-store/);
      expect(sessionCookie(redirect)).toMatchObject({ maxAge: 0 });
    });
  });
}
