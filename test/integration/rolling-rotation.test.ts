// A rolling deploy of a password rotation loses nobody (issue 10 item 2): three `next start`
// instances of one app-example build, as a load balancer would mix them, with one browser
// (one cookie jar: cookies are shared across ports of a host) alternating between them.
// Renewal is due after 1 s, so instances re-seal the cookie with their sealing password.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, testId, type Exchange } from "../support/http-client.js";
import { startApp, TEST_PASSWORD, type RunningApp } from "../support/next-app.js";

const NEW_PASSWORD = "a-new-password-of-32-or-more-characters-Qz7";
const timeouts = { SESSION_UPDATE_AGE: "1", SESSION_IDLE_TIMEOUT: "600" };

describe("rolling password rotation (cookie store)", () => {
  let old: RunningApp; // the deployment being replaced: { 1 }
  let accepting: RunningApp; // phase 1 of a two-phase rotation: { 2, 1 }, sealing with 1
  let sealing: RunningApp; // the new deployment: { 2, 1 }, sealing with 2
  beforeAll(async () => {
    const both = JSON.stringify({ 2: NEW_PASSWORD, 1: TEST_PASSWORD });
    [old, accepting, sealing] = await Promise.all([
      startApp({ ...timeouts, SESSION_PASSWORD: JSON.stringify({ 1: TEST_PASSWORD }) }),
      startApp({ ...timeouts, SESSION_PASSWORD: both, SESSION_SEAL_WITH: "1" }),
      startApp({ ...timeouts, SESSION_PASSWORD: both }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([old?.stop(), accepting?.stop(), sealing?.stop()]);
  });

  const removesSession = (exchange: Exchange) => exchange.setCookies.some((c) => c.name === "session" && (c.maxAge === 0 || !c.value));
  const sealedWith = (browser: HttpClient) => /^Fe26\.2\*(\d+)\*/.exec(browser.cookies.get("session") ?? "")?.[1];

  /** One browser visiting the dashboard on each app in turn, renewal due every time. */
  async function alternate(browser: HttpClient, apps: RunningApp[], rounds: number) {
    const visits: Array<{ app: RunningApp; status: number; user: string | undefined; removed: boolean; sealedWith: string | undefined }> = [];
    for (let round = 0; round < rounds; round++) {
      for (const app of apps) {
        await sleep(1_200);
        const page = await browser.request(`${app.url}/dashboard`);
        visits.push({ app, status: page.status, user: testId(page.body, "user"), removed: removesSession(page), sealedWith: sealedWith(browser) });
      }
    }
    return visits;
  }

  const loggedIn = async (app: RunningApp) => {
    const browser = new HttpClient(app.url);
    expect((await browser.submit("/login", { username: "ada", password: "lovelace" })).status).toBe(303);
    return browser;
  };

  it("single phase: old instances leave the new seal alone, nobody is logged out", { timeout: 120_000 }, async () => {
    const browser = await loggedIn(old);
    const visits = await alternate(browser, [sealing, old], 3);
    expect(visits.filter((v) => v.removed)).toEqual([]);
    // Every new instance shows the user, and re-seals with the new password.
    for (const visit of visits.filter((v) => v.app === sealing)) expect(visit).toMatchObject({ status: 200, user: "Ada Lovelace" });
    // An old instance given that seal cannot read it: it answers "try again" (its gate), not a
    // login page, and leaves the cookie as it is.
    const oldGotNewSeal = visits.filter((v, i) => v.app === old && visits[i - 1]?.sealedWith === "2");
    expect(oldGotNewSeal.length).toBeGreaterThan(0);
    for (const visit of oldGotNewSeal) expect(visit).toMatchObject({ status: 503, sealedWith: "2" });
    expect(testId((await browser.get(`${sealing.url}/dashboard`)).body, "user")).toBe("Ada Lovelace");
  });

  it("two phases (sealWith): no request at all reads as logged out", { timeout: 120_000 }, async () => {
    const browser = await loggedIn(old);
    // Phase 1 rolls out over the old deployment: both seal with 1, and phase 1 also opens 2.
    const phase1 = await alternate(browser, [accepting, old], 2);
    // Phase 2 rolls out over phase 1: the new deployment seals with 2, which phase 1 opens.
    const phase2 = await alternate(browser, [sealing, accepting], 2);
    for (const visit of [...phase1, ...phase2]) expect(visit).toMatchObject({ status: 200, user: "Ada Lovelace", removed: false });
    expect(phase1.every((v) => v.sealedWith === "1")).toBe(true);
    // The case that matters happened: a phase-1 instance was given the new deployment's seal.
    expect(phase2.some((v, i) => v.app === accepting && phase2[i - 1]?.sealedWith === "2")).toBe(true);
  });
});
