/** Firefox ESR through puppeteer-core over WebDriver BiDi: each user is a browser context. */
import type { Page } from "puppeteer-core";
import type { DriverCookie, DriverPage, EngineSpec } from "../browser-driver.js";

const FIREFOX_PATH = "/usr/bin/firefox-esr";

export const firefoxEngine: EngineSpec = {
  name: "Firefox",
  needs: { [FIREFOX_PATH]: "firefox-esr" },
  driver: "puppeteer-core",
  async launch() {
    const { default: puppeteer } = await import("puppeteer-core");
    const browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX_PATH, headless: true });
    return {
      async newPage() {
        const page = await (await browser.createBrowserContext()).newPage();
        await page.setViewport({ width: 1000, height: 700 });
        return firefoxPage(page);
      },
      close: () => browser.close(),
    };
  },
};

/**
 * Firefox does not paint background tabs, and locators wait for an element to be painted: the
 * user's tab comes to the front before each interaction (two users may be open at once).
 */
function firefoxPage(page: Page): DriverPage {
  return {
    goto: async (url) => void (await page.goto(url)),
    url: async () => page.url(),
    async fill(selector, value) {
      await page.bringToFront();
      await page.locator(selector).fill(value);
    },
    async click(label) {
      await page.bringToFront();
      await page.locator(`::-p-xpath(//button[normalize-space()=${JSON.stringify(label)}])`).click();
    },
    run: <T>(expression: string) => page.evaluate(expression) as Promise<T>,
    cookies: async () =>
      (await page.browserContext().cookies()).map(
        (c): DriverCookie => ({ name: c.name, value: c.value, secure: c.secure, httpOnly: c.httpOnly ?? false, expires: c.expires > 0 ? c.expires : undefined }),
      ),
    png: () => page.screenshot({ fullPage: true }),
    close: () => page.browserContext().close(),
  };
}
