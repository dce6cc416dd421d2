/**
 * app-example's fresh-login check, devices page and Origin check in Chromium, on the Redis
 * store (ioredis, key prefix of its own). Kept apart from flows.ts: these need the store's
 * hash to age a login, and a second origin that hosts an attacker's form.
 */
import { createServer, type Server } from "node:http";
import { Redis } from "ioredis";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBrowser } from "../support/browser.js";
import { layout } from "../../src/stores/redis-common/layout.js";
import { handleOf } from "../support/names.js";
import { startApp, TEST_PASSWORD, type RunningApp } from "../support/next-app.js";
import { freePort, useRedis, type TestRedis } from "../support/redis.js";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36";
const WAIT = { timeout: 10_000, interval: 50 };

let redis: TestRedis;
let admin: Redis;
let app: RunningApp;
let attacker: Server;
let attackerPort: number;

beforeAll(async () => {
  redis = await useRedis();
  admin = new Redis(redis.url);
  app = await startApp({ REDIS_URL: redis.url, SESSION_KV_PREFIX: redis.prefix });
  // Another origin: the same site as the app (127.0.0.1, another port) and, as localhost, another site.
  attackerPort = await freePort();
  attacker = createServer((_request, response) => {
    response.setHeader("content-type", "text/html");
    response.end(`<!doctype html><title>Win a prize</title>
      <form method="POST" action="${app.url}/api/cart"><input type="hidden" name="item" value="stolen"><button>Claim your prize</button></form>`);
  });
  await new Promise<void>((resolve) => attacker.listen(attackerPort, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => attacker?.close(resolve));
  await app?.stop();
  admin?.disconnect();
  await redis?.cleanup();
  await redis?.stop();
});

const url = (path: string) => new URL(path, app.url).href;

/** Logs in through the hydrated form; resolves on the dashboard. */
async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(url("/login"));
  await hydrated(page);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(url("/dashboard"), { timeout: 10_000 });
  await page.getByTestId("user").waitFor();
}

/** Waits until React has hydrated the page's forms, so submitting goes through JavaScript. */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const forms = [...document.querySelectorAll("main form")];
    return forms.length > 0 && forms.every((form) => Object.keys(form).some((key) => key.startsWith("__reactProps$")));
  }, undefined, { timeout: 10_000 });
}

/** The Redis hash of the (one) live session whose data names `userId`. */
/** The Redis key of the session `page`'s browser holds (found by its cookie: the user id is stored encrypted). */
async function sessionHashOf(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === "session");
  const key = layout(redis.prefix).session(await handleOf(cookie!.value.split(".")[0]!, TEST_PASSWORD));
  expect(await admin.exists(key)).toBe(1);
  return key;
}

async function changeName(page: Page, name: string): Promise<void> {
  await hydrated(page);
  await page.getByLabel("Display name").fill(name);
  await page.getByRole("button", { name: "Rename" }).click();
}

describe("app-example in Chromium: session guards (Redis store)", () => {
  const browser = useBrowser();

  it("changing the display name needs a login in the last 5 minutes, otherwise the password again", async () => {
    const alan = await browser.newUser();
    const { page } = alan;
    await logIn(page, "alan", "turing");

    // Just logged in: the change goes through without a prompt.
    await changeName(page, "Alan M. Turing");
    await page.getByTestId("name-saved").waitFor();
    await expect.poll(() => page.getByTestId("user").textContent(), WAIT).toBe("Alan M. Turing");
    expect(await page.getByTestId("reauth").count()).toBe(0);

    // The login was ten minutes ago (aged in the store's record): the password is asked again.
    const aged = Date.now() - 10 * 60_000;
    await admin.hset(await sessionHashOf(page), "a", String(aged));
    await page.reload();
    await changeName(page, "A. M. Turing");
    await page.getByTestId("reauth").waitFor();
    expect(await page.getByTestId("user").textContent()).toBe("Alan M. Turing");
    await page.getByLabel("Password").fill("not-his-password");
    await page.getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => page.locator("main").getByRole("alert").textContent(), WAIT).toBe("Wrong password.");
    expect(await page.getByTestId("user").textContent()).toBe("Alan M. Turing");

    await page.getByLabel("Password").fill("turing");
    await page.getByRole("button", { name: "Rename" }).click();
    await page.getByTestId("name-saved").waitFor();
    await expect.poll(() => page.getByTestId("user").textContent(), WAIT).toBe("A. M. Turing");
    // The password counted as a fresh login: recorded in the (renewed) session's record.
    expect(Number(await admin.hget(await sessionHashOf(page), "a"))).toBeGreaterThan(aged + 5 * 60_000);
    await page.reload();
    expect(await page.getByTestId("user").textContent()).toBe("A. M. Turing");
    expect(alan.errors).toEqual([]);
  });

  it("/devices: two browsers see each other; 'Log out this device' and 'Log out all other devices' end the other one", async () => {
    const laptop = await browser.newUser({ userAgent: FIREFOX_LINUX });
    const phone = await browser.newUser({ userAgent: CHROME_ANDROID });
    await logIn(laptop.page, "ada", "lovelace");
    await logIn(phone.page, "ada", "lovelace");

    const page = laptop.page;
    await page.goto(url("/devices"));
    const devices = page.getByTestId("device");
    expect(await page.getByTestId("device-label").allInnerTexts()).toEqual(["Firefox on Linux", "Chrome on Android"]);
    expect(await devices.first().innerText()).toContain("(this device)");
    expect(await devices.nth(1).innerText()).not.toContain("(this device)");
    expect(await page.getByTestId("device-ip").first().innerText()).toContain("127.0.0.1");

    await hydrated(page);
    await devices.nth(1).getByRole("button", { name: "Log out this device" }).click();
    await expect.poll(() => devices.count(), WAIT).toBe(1);
    await phone.page.goto(url("/dashboard"));
    expect(new URL(phone.page.url()).pathname).toBe("/login");

    await logIn(phone.page, "ada", "lovelace");
    await page.reload();
    expect(await devices.count()).toBe(2);
    await hydrated(page);
    await page.getByRole("button", { name: "Log out all other devices" }).click();
    await expect.poll(() => devices.count(), WAIT).toBe(1);
    await phone.page.goto(url("/dashboard"));
    expect(new URL(phone.page.url()).pathname).toBe("/login");
    await page.goto(url("/dashboard"));
    expect(await page.getByTestId("user").textContent()).toBe("Ada Lovelace");
    expect([...laptop.errors, ...phone.errors]).toEqual([]);
  });

  it("a form posted from another origin is refused with 403; the same form from the app's own page works", async () => {
    const user = await browser.newUser();
    const { page } = user;
    await logIn(page, "ada", "lovelace");

    // Same site (127.0.0.1), other origin (port): SameSite=Lax sends the cookie; the Origin check refuses.
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    const [refused] = await Promise.all([page.waitForResponse(`${app.url}/api/cart`), page.getByRole("button", { name: "Claim your prize" }).click()]);
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toMatch(/Cross-origin request refused/);
    expect(refused.request().headers()["cookie"] ?? (await refused.request().allHeaders())["cookie"]).toContain("session=");

    // Another site (localhost): the browser does not even send the Lax cookie with the post.
    await page.goto(`http://localhost:${attackerPort}/`);
    const [anonymous] = await Promise.all([page.waitForResponse(`${app.url}/api/cart`), page.getByRole("button", { name: "Claim your prize" }).click()]);
    expect(anonymous.status()).toBe(401);

    // The app's own page posting the same form: same-origin, accepted.
    await page.goto(url("/cart"));
    const accepted = page.waitForResponse(`${app.url}/api/cart`);
    await page.evaluate(() => {
      const form = Object.assign(document.createElement("form"), { method: "POST", action: "/api/cart" });
      form.append(Object.assign(document.createElement("input"), { name: "item", value: "mine" }));
      document.body.append(form);
      form.submit();
    });
    expect((await accepted).status()).toBe(200);
    await page.waitForURL(url("/api/cart"));
    await page.goto(url("/cart"));
    expect(await page.getByTestId("item").allInnerTexts()).toEqual([expect.stringContaining("mine")]);
    expect(user.errors).toEqual([]);
  });
});
