/** Chromium through playwright-core: each user is a browser context of one browser. */
import type { Page } from "playwright-core";
import { CHROMIUM_PATH, launchChromium } from "../browser.js";
import type { DriverCookie, DriverPage, EngineSpec } from "../browser-driver.js";

export const chromiumEngine: EngineSpec = {
  name: "Chromium",
  needs: { [CHROMIUM_PATH]: "chromium" },
  driver: "playwright-core",
  async launch() {
    const browser = await launchChromium();
    return {
      newPage: async () => chromiumPage(await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage()),
      close: () => browser.close(),
    };
  },
};

function chromiumPage(page: Page): DriverPage {
  return {
    goto: async (url) => void (await page.goto(url)),
    url: async () => page.url(),
    fill: (selector, value) => page.fill(selector, value),
    click: (label) => page.getByRole("button", { name: label, exact: true }).click(),
    run: (expression) => page.evaluate(expression),
    cookies: async () =>
      (await page.context().cookies()).map(
        (c): DriverCookie => ({ name: c.name, value: c.value, secure: c.secure, httpOnly: c.httpOnly, expires: c.expires > 0 ? c.expires : undefined }),
      ),
    png: () => page.screenshot({ fullPage: true }),
    close: () => page.context().close(),
  };
}
