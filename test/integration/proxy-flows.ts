/**
 * The proxy against a real `next start`: rolling renewal visible in the same request, purge of
 * dead cookies, throttling, composition with the app's handler, and Server Actions winning over
 * the proxy's renewal. Timeouts are shortened through the app's environment.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId, type Exchange } from "../support/http-client.js";
import type { RunningApp } from "../support/next-app.js";

/**
 * Short timeouts: renewal due after 5 s, idle death after 10 s. 5 s is long enough that a
 * request sent right after the previous one is surely throttled on a busy machine; tests that
 * need a renewal wait past it.
 */
export const SHORT_TIMEOUTS = { SESSION_IDLE_TIMEOUT: "10", SESSION_UPDATE_AGE: "5", SESSION_ABSOLUTE_TIMEOUT: "60" };
const UPDATE_AGE_MS = Number(SHORT_TIMEOUTS.SESSION_UPDATE_AGE) * 1000;
const IDLE_MS = Number(SHORT_TIMEOUTS.SESSION_IDLE_TIMEOUT) * 1000;
/** Waits until the next request is renewal-due (but not idle-expired). */
export const pastUpdateAge = () => sleep(UPDATE_AGE_MS + 500);
/** Waits until the session is idle-expired. */
const pastIdleTimeout = () => sleep(IDLE_MS + 500);

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
  /**
   * app-example only: how many session Set-Cookies a Route Handler's save (`POST /api/cart`)
   * sends in a request the proxy renews. 1 on server-side stores (the id is unchanged, the save
   * skips repeating it); 2 on the cookie store (two seals; Next sends both, the last wins).
   */
  cartSaveCookies?: number;
  stop(): Promise<void>;
}

/**
 * A JSON request body that ends `ms` after the request's headers. Its first byte (whitespace,
 * which JSON allows) goes at once: fetch sends the headers only with the first body chunk.
 */
function lateBody(json: string, ms: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(" "));
      setTimeout(() => {
        controller.enqueue(encoder.encode(json));
        controller.close();
      }, ms);
    },
  });
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
      await pastUpdateAge();
      const startedAt = Date.now();
      const page = await client.get(target.page);
      const took = Date.now() - startedAt;
      // Renewal does not run twice: proxy and page together send exactly one session cookie.
      expect(page.setCookies.filter((c) => c.name === "session")).toHaveLength(1);
      const renewed = sessionCookie(page);
      expect(renewed?.maxAge).toBeGreaterThan(0);
      const shown = Number(testId(page.body, "expires-ms"));
      expect(shown).toBeGreaterThan(first);
      // The page rendered the expiry the proxy just wrote. The cookie's own Expires is that
      // expiry rounded up to whole seconds (Max-Age), truncated to seconds, and computed at
      // most `took` ms later than the expiry itself: so it lies in (shown - 1 s, shown + took + 1 s).
      const expires = renewed!.expires!.getTime();
      expect(shown).toBeLessThan(expires + 1_000);
      expect(shown).toBeGreaterThan(expires - 1_000 - took);
      expect(page.headers.get("cache-control")).toMatch(/no-store/);
      // And the next request is throttled again.
      expect((await client.get(target.page)).setCookies).toEqual([]);
    });

    it("a Route Handler's save in a request the proxy renews: the browser ends with the save", async (context) => {
      if (target.cartSaveCookies === undefined) return context.skip();
      const client = await loggedIn();
      await pastUpdateAge();
      // The body arrives 1.5 s after the headers (a slow upload): the proxy renews at once, the
      // handler saves after it, so the two cookies' Expires differ (Next drops only a Set-Cookie
      // identical byte for byte to one already sent).
      const body = lateBody(JSON.stringify({ item: "tea" }), 1_500);
      const init = { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" };
      const response = await client.request("/api/cart", init as RequestInit);
      expect(response.status).toBe(200);
      const writes = response.setCookies.filter((c) => c.name === "session");
      expect(writes).toHaveLength(target.cartSaveCookies);
      expect(writes.every((c) => c.maxAge! > 0)).toBe(true);
      expect(client.cookies.get("session")).toBe(writes.at(-1)!.value);
      expect(JSON.parse((await client.get("/api/me")).body).cart).toEqual(["tea"]);
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
      await pastIdleTimeout();
      const response = await client.request(target.guarded);
      expect(response.status).toBe(307);
      expect(sessionCookie(response)?.maxAge).toBe(0);
    });

    it("steady activity keeps the session alive past the idle timeout", { timeout: 60_000 }, async () => {
      const client = await loggedIn();
      // Three renewal-due requests span more than two idle timeouts.
      for (let i = 0; i < 3; i++) {
        await pastUpdateAge();
        const page = await client.get(target.page);
        expect(page.path).toBe(target.page);
        expect(sessionCookie(page)?.maxAge).toBeGreaterThan(0);
      }
    });

    it("browser prefetches (Sec-Purpose: prefetch) renew nothing", async () => {
      const client = await loggedIn();
      await pastUpdateAge();
      const before = await target.storeWrites?.();
      const prefetch = await client.request(target.page, { headers: { "sec-purpose": "prefetch" } });
      expect(prefetch.status).toBe(200);
      expect(sessionCookie(prefetch)).toBeUndefined();
      expect(await target.storeWrites?.()).toBe(before);
    });

    it("a redirect returned by the handler carries the session cookie changes", async () => {
      const client = await loggedIn();
      await pastIdleTimeout();
      const redirect = await client.request(target.guarded);
      expect(redirect.status).toBe(307);
      expect(redirect.headers.get("cache-control")).toMatch(/private, no-store/);
      expect(sessionCookie(redirect)).toMatchObject({ maxAge: 0 });
    });
  });
}
