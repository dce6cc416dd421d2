/**
 * app-example in a real browser: Debian's Chromium (playwright-core) against `next build` +
 * `next start`, with JavaScript on, so that forms go through React (useActionState, Server
 * Actions called with fetch, client-side navigations) the way users meet them. Run once per
 * store (cookie-store.test.ts, kv-store.test.ts). One app per store serves every flow but the
 * idle timeout, which needs short timeouts and so its own app.
 */
import type { Cookie, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBrowser, type BrowserUser } from "../support/browser.js";
import { startApp, type RunningApp } from "../support/next-app.js";

export interface BrowserFlowOptions {
  /** The store keeps sessions on the server, so /devices lists and revokes them (default: any store but "cookie"). */
  serverSide?: boolean;
  /** Server-side stores: how many commands the store's server has received so far (proves the app uses it). */
  storeCommands?: () => number;
}

/** Text of Next's error pages (production), which no flow may ever show. */
const ERROR_PAGE = /Application error|Internal Server Error|This page couldn.t load|could not be found|Unhandled Runtime Error/i;
const WAIT = { timeout: 10_000, interval: 50 };

export function describeBrowserFlows(storeName: string, env: () => Record<string, string>, options: BrowserFlowOptions = {}): void {
  const serverSide = options.serverSide ?? storeName !== "cookie";

  describe(`app-example in Chromium (${storeName} store)`, () => {
    const browser = useBrowser();

    describe("default timeouts", () => {
      let app: RunningApp;
      beforeAll(async () => {
        app = await startApp(env());
      });
      afterAll(() => app?.stop());
      const url = (path: string) => new URL(path, app.url).href;

      it("login with JavaScript: the dashboard shows the user and the flash once; the cookie is Secure, HttpOnly, Lax", async () => {
        const ada = await browser.newUser();
        const { page, context } = ada;
        const action = await logIn(page, app.url, "ada", "lovelace");
        // A Server Action called by React (fetch with a Next-Action header), not a no-JS form post.
        expect(action.headers()["next-action"]).toBeTruthy();
        expect(action.isNavigationRequest()).toBe(false);

        expect(page.url()).toBe(url("/dashboard"));
        expect(await text(page, "user")).toBe("Ada Lovelace");
        expect(await text(page, "flash")).toBe("Welcome back, Ada Lovelace!");
        expect(await page.getByTestId("flash").count()).toBe(1);

        // next start runs in production: a Secure cookie, which Chromium keeps for http://127.0.0.1.
        const cookies = await context.cookies();
        const session = cookies.find((cookie) => cookie.name === "session");
        expect(session).toMatchObject({ domain: "127.0.0.1", path: "/", httpOnly: true, secure: true, sameSite: "Lax" });
        expect(session!.expires * 1000).toBeGreaterThan(Date.now() + 24 * 3600 * 1000); // persistent, 7 days idle
        for (const cookie of cookies) expect(cookie, cookie.name).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
        expect(await page.evaluate(() => document.cookie)).toBe(""); // scripts cannot read it

        const reload = await page.reload();
        expect(reload!.status()).toBe(200);
        expect(await text(page, "user")).toBe("Ada Lovelace");
        expect(await page.getByTestId("flash").count()).toBe(0);
        expect((await context.cookies()).find((cookie) => cookie.name === "session")).toBeDefined();

        // Away and back with client-side navigations (Links): still signed in, still no flash.
        await waitForHydration(page);
        await page.getByRole("link", { name: "Cart", exact: true }).click();
        await page.waitForURL(url("/cart"));
        await page.getByRole("link", { name: "Dashboard", exact: true }).click();
        await page.waitForURL(url("/dashboard"));
        await expect.poll(() => text(page, "user"), WAIT).toBe("Ada Lovelace");
        expect(await page.getByTestId("flash").count()).toBe(0);
        expect(ada.errors).toEqual([]);
      });

      it("wrong credentials show the error in place and set no cookie", async () => {
        const user = await browser.newUser();
        const { page, context } = user;
        await page.goto(url("/login"));
        await waitForHydration(page);
        await page.getByLabel("Username").fill("ada");
        await page.getByLabel("Password").fill("not-her-password");
        await page.getByRole("button", { name: "Log in" }).click();
        await expect.poll(() => page.locator("main").getByRole("alert").textContent(), WAIT).toBe("Wrong username or password.");
        expect(page.url()).toBe(url("/login"));
        expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("session");
        expect(user.errors).toEqual([]);
      });

      it("cart items added through the form survive reloads and a new tab", async () => {
        const user = await browser.newUser();
        const { page } = user;
        await logIn(page, app.url, "ada", "lovelace");
        await page.goto(url("/cart"));
        expect(await text(page, "count")).toBe("0");
        for (const item of ["tea", "scones", "jam"]) await addToCart(page, item);
        expect(await cartItems(page)).toEqual(["tea", "scones", "jam"]);

        await page.reload();
        expect(await text(page, "count")).toBe("3");
        expect(await cartItems(page)).toEqual(["tea", "scones", "jam"]);

        await waitForHydration(page);
        await page.getByTestId("item").filter({ hasText: "scones" }).getByRole("button", { name: "Remove" }).click();
        await expect.poll(() => text(page, "count"), WAIT).toBe("2");
        await page.reload();
        expect(await cartItems(page)).toEqual(["tea", "jam"]);

        // A new tab of the same browser has the same session; what it adds, the first tab sees.
        const tab = await user.newPage();
        await tab.goto(url("/cart"));
        expect(await cartItems(tab)).toEqual(["tea", "jam"]);
        await addToCart(tab, "honey");
        await page.reload();
        expect(await cartItems(page)).toEqual(["tea", "jam", "honey"]);
        expect(user.errors).toEqual([]);
      });

      it("logout: /dashboard then redirects to /login, and the back button shows no private data", async () => {
        const user = await browser.newUser();
        const { page, context } = user;
        await logIn(page, app.url, "ada", "lovelace");
        await page.reload(); // the dashboard as a document, too
        expect(await text(page, "user")).toBe("Ada Lovelace");

        await waitForHydration(page);
        await page.getByRole("button", { name: "Log out" }).click();
        await page.waitForURL(url("/"));
        await page.getByText("You are not signed in").waitFor();
        expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("session");

        // From here on, "Ada Lovelace" must never appear, not even for a moment.
        const seen = await watchForText(page, "Ada Lovelace");
        await page.goBack();
        await settle(page);
        expect(seen, `private data shown at ${seen.join(", ")}`).toEqual([]);
        expect(await page.locator("body").innerText()).not.toContain("Ada Lovelace");
        expect(page.url()).toBe(url("/login?next=%2Fdashboard"));

        const dashboard = await page.goto(url("/dashboard"));
        expect(dashboard!.status()).toBe(200);
        expect(page.url()).toBe(url("/login?next=%2Fdashboard"));
        await page.goBack();
        await settle(page);
        await page.goForward();
        await settle(page);
        expect(seen, `private data shown at ${seen.join(", ")}`).toEqual([]);
        expect(user.errors).toEqual([]);
      });

      it("two browser contexts are two users who never see each other's data", async () => {
        const [ada, alan] = [await browser.newUser(), await browser.newUser()];
        const people = [
          { user: ada, username: "ada", password: "lovelace", name: "Ada Lovelace", item: "difference engine", other: "Alan Turing" },
          { user: alan, username: "alan", password: "turing", name: "Alan Turing", item: "enigma rotor", other: "Ada Lovelace" },
        ];
        // Side by side, so that requests of both users interleave on the server.
        await Promise.all(
          people.map(async ({ user: { page }, username, password, item }) => {
            await logIn(page, app.url, username, password);
            await page.goto(url("/cart"));
            await addToCart(page, item);
          }),
        );
        for (const { user, username, name, item, other } of people) {
          const { page, context } = user;
          await page.goto(url("/dashboard"));
          expect(await text(page, "user")).toBe(name);
          expect(await page.content()).not.toContain(other);
          await page.goto(url("/cart"));
          expect(await cartItems(page)).toEqual([item]);
          const me = await context.request.get(url("/api/me"));
          expect(me.status()).toBe(200);
          expect(await me.json()).toMatchObject({ userId: username, name, cart: [item] });
          expect(user.errors).toEqual([]);
        }
        const [adaCookie, alanCookie] = await Promise.all([sessionCookie(ada), sessionCookie(alan)]);
        expect(adaCookie.value).not.toBe(alanCookie.value);
      });

      it("a tampered session cookie logs out cleanly: no error page, and the cookie is removed", async () => {
        const user = await browser.newUser();
        const { page, context } = user;
        await logIn(page, app.url, "ada", "lovelace");
        const original = await sessionCookie(user);
        const tampered = tamper(original.value);
        expect(tampered).not.toBe(original.value);

        // A protected page: the proxy sends the visitor to /login and removes the cookie.
        let removals = watchRemovals(page);
        await context.addCookies([{ ...original, value: tampered }]);
        expect((await sessionCookie(user)).value).toBe(tampered);
        const dashboard = await page.goto(url("/dashboard"));
        expect(page.url()).toBe(url("/login?next=%2Fdashboard"));
        expect(dashboard!.status()).toBeLessThan(500);
        expect(await page.locator("body").innerText()).not.toMatch(ERROR_PAGE);
        await page.getByRole("heading", { name: "Log in" }).waitFor();
        expect(await removals()).toContain("session");
        expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("session");

        // A public page: rendered logged out, cookie removed as well.
        removals = watchRemovals(page);
        await context.addCookies([{ ...original, value: tampered }]);
        const home = await page.goto(url("/"));
        expect(home!.status()).toBe(200);
        expect(page.url()).toBe(url("/"));
        await page.getByText("You are not signed in").waitFor();
        expect(await page.locator("body").innerText()).not.toMatch(ERROR_PAGE);
        expect(await removals()).toContain("session");
        expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("session");

        // And the user can simply log in again.
        await logIn(page, app.url, "ada", "lovelace");
        expect(await text(page, "user")).toBe("Ada Lovelace");
        expect(user.errors).toEqual([]);
      });

      if (serverSide) {
        it("the session lives in the server-side store", async () => {
          const user = await browser.newUser();
          const before = options.storeCommands?.();
          await logIn(user.page, app.url, "ada", "lovelace");
          await user.page.reload();
          expect(await text(user.page, "user")).toBe("Ada Lovelace");
          if (before !== undefined) expect(options.storeCommands!()).toBeGreaterThan(before);
          const response = await user.page.goto(url("/devices"));
          expect(response!.status()).toBe(200);
          expect(await user.page.locator("body").innerText()).not.toMatch(ERROR_PAGE);
          expect(await user.page.getByTestId("device").count()).toBeGreaterThanOrEqual(1);
          expect(user.errors).toEqual([]);
        });

        it('"Log out other devices" in one browser logs out the other on its next navigation', async () => {
          const [a, b] = [await browser.newUser(), await browser.newUser()];
          await logIn(a.page, app.url, "ada", "lovelace");
          // Start from a clean slate: earlier tests of this file left sessions of ada behind.
          const devicesPage = await a.page.goto(url("/devices"));
          expect(devicesPage!.status()).toBe(200);
          expect(await a.page.locator("body").innerText()).not.toMatch(ERROR_PAGE);
          await logOutOtherDevices(a.page);
          await expect.poll(() => a.page.getByTestId("device").count(), WAIT).toBe(1);

          await logIn(b.page, app.url, "ada", "lovelace");
          await b.page.goto(url("/cart"));
          await waitForHydration(b.page);

          await a.page.goto(url("/devices"));
          const devices = await a.page.getByTestId("device").allInnerTexts();
          expect(devices).toHaveLength(2);
          expect(devices.filter((device) => device.includes("(this device)"))).toHaveLength(1);

          await logOutOtherDevices(a.page);
          await expect.poll(() => a.page.getByTestId("device").count(), WAIT).toBe(1);
          expect(await a.page.getByTestId("device").innerText()).toContain("(this device)");

          // B, still on /cart, clicks "Dashboard" (a client-side navigation): sent to /login.
          await b.page.getByRole("link", { name: "Dashboard", exact: true }).click();
          await b.page.waitForURL(url("/login?next=%2Fdashboard"), { timeout: 10_000 });
          await b.page.getByRole("heading", { name: "Log in" }).waitFor();
          expect(await b.page.locator("body").innerText()).not.toContain("Ada Lovelace");
          expect((await b.context.cookies()).map((cookie) => cookie.name)).not.toContain("session");
          const again = await b.page.goto(url("/dashboard"));
          expect(again!.status()).toBeLessThan(500);
          expect(b.page.url()).toBe(url("/login?next=%2Fdashboard"));

          // A is still signed in.
          await a.page.goto(url("/dashboard"));
          expect(await text(a.page, "user")).toBe("Ada Lovelace");
          expect(a.errors).toEqual([]);
          expect(b.errors).toEqual([]);
        });
      } else {
        it("/devices explains that the cookie store cannot list sessions", async () => {
          const user = await browser.newUser();
          const { page } = user;
          await logIn(page, app.url, "ada", "lovelace");
          const response = await page.goto(url("/devices"));
          expect(response!.status()).toBe(200);
          expect(page.url()).toBe(url("/devices"));
          const main = await page.locator("main").innerText();
          expect(main).toMatch(/cookie store keeps sessions only in browsers, so it cannot list or revoke them/);
          expect(await page.getByTestId("device").count()).toBe(0);
          expect(await page.getByRole("button", { name: "Log out all other devices" }).count()).toBe(0);
          expect(user.errors).toEqual([]);
        });
      }

      it(`screenshots of /login, /dashboard and /cart are saved as test-results/${storeName}-*.png`, async () => {
        const user = await browser.newUser();
        const { page } = user;
        await page.goto(url("/login"));
        await waitForHydration(page);
        // The stylesheet is loaded and applied (dark navigation bar, system font).
        expect(await page.evaluate(() => getComputedStyle(document.querySelector("nav")!).backgroundColor)).toBe("rgb(17, 17, 17)");
        expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain("system-ui");
        const shots = [await browser.screenshot(page, `${storeName}-login`)];

        await logIn(page, app.url, "ada", "lovelace");
        await page.getByTestId("flash").waitFor();
        shots.push(await browser.screenshot(page, `${storeName}-dashboard`));

        await page.goto(url("/cart"));
        for (const item of ["tea", "scones"]) await addToCart(page, item);
        shots.push(await browser.screenshot(page, `${storeName}-cart`));

        const { statSync } = await import("node:fs");
        for (const shot of shots) expect(statSync(shot).size, shot).toBeGreaterThan(5_000);
        expect(user.errors).toEqual([]);
      });
    });

    // Both tests mostly wait, so they wait side by side (separate users, no shared state).
    describe.concurrent("short timeouts (idle 3 s, renewal after 1 s, absolute 60 s)", () => {
      let app: RunningApp;
      beforeAll(async () => {
        app = await startApp({ ...env(), SESSION_IDLE_TIMEOUT: "3", SESSION_UPDATE_AGE: "1", SESSION_ABSOLUTE_TIMEOUT: "60" });
      });
      afterAll(() => app?.stop());
      const url = (path: string) => new URL(path, app.url).href;

      it("a session idle for longer than the idle timeout is logged out, even if the browser kept the cookie", async ({ expect }) => {
        const user = await browser.newUser();
        const { page, context } = user;
        await logIn(page, app.url, "ada", "lovelace");
        expect(await text(page, "user")).toBe("Ada Lovelace");
        const cookie = await sessionCookie(user);

        await page.waitForTimeout(5_000); // idle timeout 3 s, plus a generous margin
        const response = await page.goto(url("/dashboard"));
        expect(response!.status()).toBeLessThan(500);
        expect(page.url()).toBe(url("/login?next=%2Fdashboard"));

        // The server enforces it too: the same cookie, kept past its Max-Age, is refused.
        await context.addCookies([{ ...cookie, expires: Math.floor(Date.now() / 1000) + 3600 }]);
        await page.goto(url("/dashboard"));
        expect(page.url()).toBe(url("/login?next=%2Fdashboard"));
        expect(await page.locator("body").innerText()).not.toContain("Ada Lovelace");
        expect((await context.cookies()).map((c) => c.name)).not.toContain("session");
        expect(user.errors).toEqual([]);
      });

      it("steady activity keeps the session alive well past the idle timeout (renewed by the proxy)", async ({ expect }) => {
        const user = await browser.newUser();
        const { page } = user;
        await logIn(page, app.url, "ada", "lovelace");
        const firstExpiry = Number(await text(page, "expires-ms"));
        // Responses that renewed the session (a session Set-Cookie that does not remove it).
        let renewals = 0;
        page.on("response", async (response) => {
          const cookies = (await response.headersArray().catch(() => [])).filter((h) => h.name.toLowerCase() === "set-cookie");
          if (cookies.some((h) => /^session=[^;]+/.test(h.value) && !/max-age=0\b/i.test(h.value))) renewals++;
        });
        const started = Date.now();
        let step = 0;
        let previous = Date.now();
        while (Date.now() - started < 6_500) {
          // One navigation every ~1.2 s, counted from the start of the previous one.
          await page.waitForTimeout(Math.max(0, previous + 1_200 - Date.now()));
          previous = Date.now();
          step++;
          if (step % 2) {
            // a full page load
            await page.goto(url("/dashboard"));
          } else {
            // a client-side navigation (an RSC request through the proxy), then back
            await waitForHydration(page);
            await page.getByRole("link", { name: "Cart", exact: true }).click();
            await page.waitForURL(url("/cart"));
            await page.getByTestId("count").waitFor();
            await page.getByRole("link", { name: "Dashboard", exact: true }).click();
            await page.waitForURL(url("/dashboard"));
          }
          expect(page.url(), `step ${step}`).toBe(url("/dashboard"));
          await expect.poll(() => text(page, "user"), WAIT).toBe("Ada Lovelace");
        }
        // The session outlived two idle timeouts (3 s each) only if the proxy renewed it at least twice.
        expect(renewals).toBeGreaterThanOrEqual(2);
        expect(Number(await text(page, "expires-ms"))).toBeGreaterThan(firstExpiry);
        expect(user.errors).toEqual([]);
      });
    });
  });
}

/** Logs in through the form once React has hydrated it; resolves on the dashboard with the Server Action request. */
async function logIn(page: Page, base: string, username: string, password: string) {
  await page.goto(new URL("/login", base).href);
  await waitForHydration(page);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  const action = page.waitForRequest((request) => request.method() === "POST" && new URL(request.url()).pathname === "/login");
  await page.getByRole("button", { name: "Log in" }).click();
  const request = await action;
  await page.waitForURL(new URL("/dashboard", base).href, { timeout: 10_000 });
  await page.getByTestId("user").waitFor();
  return request;
}

/** Waits until React has hydrated the page's forms (so submitting goes through JavaScript). */
async function waitForHydration(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      () => {
        const forms = [...document.querySelectorAll("main form")];
        return forms.length > 0 && forms.every((form) => Object.keys(form).some((key) => key.startsWith("__reactProps$")));
      },
      undefined,
      { timeout: 10_000 },
    );
  } catch (error) {
    // The usual cause: the page's scripts are gone because app-example/.next was rebuilt under
    // the running server (another `vitest run` at the same time builds the same folder).
    const broken = await page
      .evaluate(async () => {
        const failures: string[] = [];
        for (const script of document.querySelectorAll<HTMLScriptElement>("script[src]")) {
          const response = await fetch(script.src, { method: "HEAD" }).catch(() => undefined);
          if (!response?.ok) failures.push(`${response?.status ?? "failed"} ${new URL(script.src).pathname}`);
        }
        return failures;
      })
      .catch(() => [] as string[]);
    const hint = broken.length
      ? `; its scripts do not load (${broken.join(", ")}): was app-example/.next rebuilt by another test run while this one ran?`
      : "";
    throw new Error(`React did not hydrate ${page.url()} within 10 s${hint}`, { cause: error });
  }
}

async function addToCart(page: Page, item: string): Promise<void> {
  const before = Number(await text(page, "count"));
  await waitForHydration(page);
  await page.getByLabel("Item").fill(item);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect.poll(() => text(page, "count"), WAIT).toBe(String(before + 1));
}

async function logOutOtherDevices(page: Page): Promise<void> {
  await waitForHydration(page);
  await page.getByRole("button", { name: "Log out all other devices" }).click();
}

async function text(page: Page, testId: string): Promise<string | null> {
  const element = page.getByTestId(testId);
  return (await element.count()) ? element.first().textContent() : null;
}

async function cartItems(page: Page): Promise<string[]> {
  return (await page.getByTestId("item").allInnerTexts()).map((item) => item.replace(/\s*Remove$/, "").trim());
}

async function sessionCookie(user: BrowserUser): Promise<Cookie> {
  const cookie = (await user.context.cookies()).find((candidate) => candidate.name === "session");
  if (!cookie) throw new Error("no session cookie in the browser");
  return cookie;
}

/** Changes one character in the middle of a cookie value (not a separator, not the last of a run). */
function tamper(value: string): string {
  for (let i = Math.floor(value.length / 2); i < value.length - 1; i++) {
    if (/[A-Za-z0-9]/.test(value[i]!) && /[A-Za-z0-9]/.test(value[i + 1]!)) {
      return value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1);
    }
  }
  throw new Error("nothing to tamper with");
}

/**
 * Names of the cookies removed by any response from now on: the navigation's own, or a router
 * prefetch that the page already on screen sent with the same cookie and that reached the proxy
 * first (the browser then sends the navigation without it, and only the prefetch purges).
 */
function watchRemovals(page: Page): () => Promise<string[]> {
  const responses: Response[] = [];
  const record = (response: Response) => responses.push(response);
  page.on("response", record);
  return async () => {
    page.off("response", record);
    return (await Promise.all(responses.map(removedCookies))).flat();
  };
}

/** Names of the cookies that the responses of this navigation (redirects included) removed. */
async function removedCookies(response: Response): Promise<string[]> {
  const chain: Response[] = [response];
  for (let request = response.request().redirectedFrom(); request; request = request.redirectedFrom()) {
    const earlier = await request.response();
    if (earlier) chain.push(earlier);
  }
  const removed: string[] = [];
  for (const each of chain) {
    for (const header of await each.headersArray()) {
      if (header.name.toLowerCase() !== "set-cookie") continue;
      for (const line of header.value.split("\n")) {
        const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
        const name = pair.slice(0, pair.indexOf("="));
        const value = pair.slice(pair.indexOf("=") + 1);
        const expired = attributes.some((attribute) => /^max-age=0$/i.test(attribute) || /^expires=.*1970/i.test(attribute));
        if (!value || expired) removed.push(name);
      }
    }
  }
  return removed;
}

/**
 * Records every moment `needle` is visible on the page from now on, in this document and in
 * any later one (a MutationObserver, installed now and on every new document).
 */
async function watchForText(page: Page, needle: string): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("__nskSeen", (where: string) => seen.push(where));
  const install = (text: string) => {
    const check = () => {
      if (document.body?.innerText.includes(text)) (window as unknown as { __nskSeen(where: string): void }).__nskSeen(location.href);
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
    check();
  };
  await page.addInitScript(install, needle);
  await page.evaluate(install, needle);
  return seen;
}

/** Waits until the page has made no request for `quiet` ms (client-side navigations fetch, then render). */
async function settle(page: Page, quiet = 500, timeout = 10_000): Promise<void> {
  let inflight = 0;
  let last = Date.now();
  const start = () => {
    inflight++;
    last = Date.now();
  };
  const end = () => {
    inflight = Math.max(0, inflight - 1);
    last = Date.now();
  };
  page.on("request", start);
  page.on("requestfinished", end);
  page.on("requestfailed", end);
  try {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      await page.waitForTimeout(50);
      if (inflight === 0 && Date.now() - last >= quiet) return;
    }
    throw new Error(`the page did not settle within ${timeout} ms`);
  } finally {
    page.off("request", start);
    page.off("requestfinished", end);
    page.off("requestfailed", end);
  }
}
