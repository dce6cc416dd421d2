/**
 * One small driver interface over three browser engines, so that a flow is written once and
 * runs in each: Chromium (playwright-core), Firefox (puppeteer-core over WebDriver BiDi) and
 * WebKit (selenium-webdriver and WebKitWebDriver). All three come from Debian packages
 * (`.ci/run` installs them); nothing is downloaded.
 *
 * A missing engine fails its tests, naming what to install (a skipped engine would hide
 * Safari's bugs).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe } from "vitest";
import { RESULTS_DIR } from "./browser.js";

/** A cookie as the browser keeps it. */
export interface DriverCookie {
  name: string;
  value: string;
  secure: boolean;
  httpOnly: boolean;
  /** Seconds since the epoch; undefined for a cookie that ends with the browser. */
  expires: number | undefined;
}

/** What each engine implements: one tab of one user. */
export interface DriverPage {
  goto(url: string): Promise<void>;
  url(): Promise<string>;
  /** Types `value` into the input matching the CSS `selector`. */
  fill(selector: string, value: string): Promise<void>;
  /** Clicks the button whose visible text is `label`. */
  click(label: string): Promise<void>;
  /** The value of a JavaScript expression evaluated in the page. */
  run<T>(expression: string): Promise<T>;
  cookies(): Promise<DriverCookie[]>;
  png(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** One user (a cookie jar of its own), as flows use it. */
export interface EngineUser extends DriverPage {
  /** Text of the first element with this `data-testid`, or null when there is none. */
  text(testId: string): Promise<string | null>;
  /** Saves a screenshot as `test-results/<name>.png` and returns its path. */
  screenshot(name: string): Promise<string>;
}

export interface Engine {
  newUser(): Promise<EngineUser>;
  close(): Promise<void>;
}

/** How to launch an engine, and what it needs on the machine. */
export interface EngineSpec {
  name: "Chromium" | "Firefox" | "WebKit";
  /** Executables the engine needs, and the Debian package of each. */
  needs: Record<string, string>;
  /** The npm devDependency that drives it (imported only at launch, so a missing one is reported like a missing browser). */
  driver: string;
  launch(): Promise<{ newPage(): Promise<DriverPage>; close(): Promise<void> }>;
}

/** What is missing for `spec`, as an install hint, or undefined when it can run. */
export function missingFor(spec: EngineSpec): string | undefined {
  const absent = Object.entries(spec.needs).filter(([path]) => !existsSync(path));
  if (absent.length) {
    return `${absent.map(([path]) => path).join(", ")} not installed: apt-get install ${[...new Set(absent.map(([, pkg]) => pkg))].join(" ")} (.ci/run does this)`;
  }
  try {
    createRequire(import.meta.url).resolve(spec.driver);
  } catch {
    return `the npm package ${spec.driver} is not installed: run npm ci`;
  }
  return undefined;
}

/**
 * `describe` for one engine. Never skipped: a missing engine fails its tests at launch, with
 * the message naming what to install (a skipped suite would let a run pass untested).
 */
export function describeEngine(title: string, body: () => void): void {
  describe.concurrent(title, body);
}

/** Launches `spec`'s browser (throws naming what to install when it is missing). */
export async function launchEngine(spec: EngineSpec): Promise<Engine> {
  const missing = missingFor(spec);
  if (missing) throw new Error(`${spec.name}: ${missing}`);
  const browser = await spec.launch();
  const pages = new Set<DriverPage>();
  return {
    async newUser() {
      const page = await browser.newPage();
      pages.add(page);
      return asUser(page, () => pages.delete(page));
    },
    async close() {
      for (const page of pages) await page.close().catch(() => {});
      await browser.close();
    },
  };
}

function asUser(page: DriverPage, closed: () => void): EngineUser {
  return {
    ...page,
    text: (testId) => page.run<string | null>(`document.querySelector('[data-testid="${testId}"]')?.textContent ?? null`),
    async screenshot(name) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const path = join(RESULTS_DIR, `${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`);
      writeFileSync(path, await page.png());
      return path;
    },
    async close() {
      closed();
      await page.close();
    },
  };
}
