/**
 * Login and logout in every engine against `next dev` (issue 13 item 1), over the same driver
 * interface as the core flows: one dev server of a copy of app-example (test/support/dev-app.ts),
 * started the way a developer starts it (no SESSION_PASSWORD: the example makes one up; cookies
 * not Secure in development, which WebKit needs on plain http). Its pages are compiled once
 * before the engines, which then run side by side.
 */
import { afterAll, beforeAll, it } from "vitest";
import { describeEngine, launchEngine, type Engine } from "../support/browser-driver.js";
import { startDev, type DevApp } from "../support/dev-app.js";
import { ENGINES, logInAs, untilHydrated } from "./engine-flows.js";

const WAIT = { timeout: 30_000, interval: 100 };
let app: DevApp;

beforeAll(async () => {
  app = await startDev({ SESSION_PASSWORD: undefined });
  // next dev compiles each route at its first request: do it once, before three browsers ask.
  for (const path of ["/login", "/dashboard", "/"]) await fetch(new URL(path, app.url), { redirect: "manual" });
}, 300_000);
afterAll(() => app?.stop());

for (const spec of ENGINES) {
  describeEngine(`next dev in ${spec.name}`, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await launchEngine(spec);
    });
    afterAll(() => engine?.close());
    const url = (path: string) => new URL(path, app.url).href;

    it("logs in through the Server Action and out again", { timeout: 120_000 }, async ({ expect }) => {
      const user = await engine.newUser();
      await logInAs(user, url, expect);
      const cookie = (await user.cookies()).find((candidate) => candidate.name === "session");
      expect(cookie).toMatchObject({ httpOnly: true, secure: false });
      await untilHydrated(user, expect);
      await user.click("Log out");
      await expect.poll(() => user.url(), WAIT).toBe(url("/"));
      await expect.poll(async () => (await user.cookies()).map((candidate) => candidate.name), WAIT).not.toContain("session");
      await user.goto(url("/dashboard"));
      expect(await user.url()).toBe(url("/login?next=%2Fdashboard"));
      await user.close();
    });
  });
}
