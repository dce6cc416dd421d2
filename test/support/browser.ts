/**
 * A real browser for end-to-end tests: Debian's Chromium (`/usr/bin/chromium`, installed by
 * `.ci/run` with apt-get when missing) driven by `playwright-core`. Nothing is downloaded.
 *
 * `useBrowser()` registers the hooks of one test file: one browser for the file, launched in
 * `beforeAll`; every `newUser()` is a fresh browser context (its own cookie jar and storage),
 * so two users never share anything; everything is closed in `afterAll`. When a test fails,
 * every page it opened is screenshotted into `test-results/failed-<file>-<test>-<n>.png`.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { ROOT } from "./next-app.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags that keep Chromium quiet and offline apart from the app under test. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Where screenshots go (git-ignored). */
export const RESULTS_DIR = join(ROOT, "test-results");

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install chromium\` (.ci/run does this).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** One user: a browser context with its own cookie jar, and its first page (tab). */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  /** Another tab in the same context (same cookies). */
  newPage(): Promise<Page>;
  /**
   * Uncaught page exceptions and console errors seen in any tab of this user, except failed
   * resource loads (a missing favicon, a 404 the test asked for), which tests check themselves.
   */
  errors: string[];
}

export interface BrowserFixture {
  /** The file's browser (available from the first `beforeAll` on). */
  readonly browser: Browser;
  /** A fresh context: a new user with an empty cookie jar. */
  newUser(options?: BrowserContextOptions): Promise<BrowserUser>;
  /** Saves a full-page screenshot as `test-results/<name>.png` and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
}

const fileName = (name: string) => name.replace(/[^a-z0-9._-]+/gi, "-").replace(/^-+|-+$/g, "").slice(0, 120);
/** `failed-cookie-store-` for test/browser/cookie-store.test.ts: prefix of that file's failure screenshots. */
const failurePrefix = (testFile: string) => `failed-${fileName(basename(testFile).replace(/\.test\.[cm]?[jt]s$/, ""))}-`;

/** Registers this file's browser hooks; call it at the top level of a test file or `describe`. */
export function useBrowser(): BrowserFixture {
  let browser: Browser | undefined;
  const contexts = new Set<BrowserContext>();

  beforeAll(async ({}, suite) => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    // Failure screenshots of an earlier run of this file are stale now.
    const stale = failurePrefix(suite.file.name);
    for (const name of readdirSync(RESULTS_DIR)) if (name.startsWith(stale)) rmSync(join(RESULTS_DIR, name), { force: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    contexts.clear();
    await browser?.close();
    browser = undefined;
  });

  const screenshot = async (page: Page, name: string): Promise<string> => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${fileName(name)}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };

  // On failure, keep a picture of what every open tab showed.
  beforeEach(({ task, onTestFailed }) => {
    const before = new Set(contexts);
    onTestFailed(async () => {
      let n = 0;
      for (const context of contexts) {
        if (before.has(context)) continue;
        for (const page of context.pages()) {
          if (page.isClosed()) continue;
          await screenshot(page, `${failurePrefix(task.file.name)}${task.name}-${++n}`).catch(() => {});
        }
      }
    });
  });

  return {
    get browser() {
      if (!browser) throw new Error("the browser starts in beforeAll: use it inside a test or hook");
      return browser;
    },
    async newUser(options = {}) {
      if (!browser) throw new Error("the browser starts in beforeAll: use it inside a test or hook");
      const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, ...options });
      contexts.add(context);
      context.on("close", () => contexts.delete(context));
      const errors: string[] = [];
      const watch = (page: Page) => {
        page.on("pageerror", (error) => errors.push(`${page.url()}: uncaught ${error.name}: ${error.message}`));
        page.on("console", (message) => {
          if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(`${page.url()}: console.error ${message.text()}`);
        });
      };
      context.on("page", watch);
      const page = await context.newPage();
      return { context, page, errors, newPage: () => context.newPage() };
    },
    screenshot,
  };
}
