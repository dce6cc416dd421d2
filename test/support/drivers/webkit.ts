/**
 * WebKit (WebKitGTK's MiniBrowser, Safari's engine) through selenium-webdriver. WebKitWebDriver
 * serves one session at a time, so each user gets a driver process (and a browser) of its own,
 * all on one private X display.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebDriver } from "selenium-webdriver";
import type { DriverCookie, DriverPage, EngineSpec } from "../browser-driver.js";
import { freePort } from "../redis.js";
import { startXvfb, XVFB_PATH } from "../xvfb.js";

const DRIVER_PATH = "/usr/bin/WebKitWebDriver";
const MINIBROWSER_PATH = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const CAPABILITIES = {
  browserName: "MiniBrowser",
  "webkitgtk:browserOptions": { binary: MINIBROWSER_PATH, args: ["--automation"] },
};

export const webkitEngine: EngineSpec = {
  name: "WebKit",
  needs: { [DRIVER_PATH]: "webkit2gtk-driver", [MINIBROWSER_PATH]: "webkit2gtk-driver", [XVFB_PATH]: "xvfb" },
  driver: "selenium-webdriver",
  async launch() {
    const display = await startXvfb();
    return { newPage: () => webkitPage(display.name), close: async () => display.stop() };
  },
};

/** A WebKitWebDriver process on a free port; resolves once it answers. */
async function startDriver(display: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(DRIVER_PATH, [`--port=${port}`], { env: { ...process.env, DISPLAY: display }, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    if (await fetch(`${url}/status`).then((r) => r.ok, () => false)) return { url, process: child };
    await sleep(100);
  }
  child.kill();
  throw new Error(`WebKitWebDriver did not answer on ${url}`);
}

async function webkitPage(display: string): Promise<DriverPage> {
  const { Builder, By } = await import("selenium-webdriver");
  const server = await startDriver(display);
  let driver: WebDriver;
  try {
    driver = await new Builder().usingServer(server.url).withCapabilities(CAPABILITIES).build();
    await driver.manage().window().setRect({ width: 1000, height: 700 });
  } catch (error) {
    server.process.kill();
    throw error;
  }
  return {
    goto: (url) => driver.get(url),
    url: () => driver.getCurrentUrl(),
    async fill(selector, value) {
      const input = await driver.findElement(By.css(selector));
      await input.clear();
      await input.sendKeys(value);
    },
    click: async (label) => (await driver.findElement(By.xpath(`//button[normalize-space()=${JSON.stringify(label)}]`))).click(),
    run: (expression) => driver.executeScript(`return (${expression});`),
    cookies: async () =>
      (await driver.manage().getCookies()).map(
        (c): DriverCookie => ({ name: c.name, value: c.value, secure: c.secure ?? false, httpOnly: c.httpOnly ?? false, expires: typeof c.expiry === "number" ? c.expiry : undefined }),
      ),
    png: async () => Buffer.from(await driver.takeScreenshot(), "base64"),
    async close() {
      await driver.quit().catch(() => {});
      server.process.kill();
    },
  };
}
