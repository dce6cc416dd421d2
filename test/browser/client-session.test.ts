/**
 * `next-session-kit/client` in Chromium against app-example (`next build` + `next start`,
 * cookie store): the header is a Client Component reading `useSession()`, seeded by the root
 * layout. Its name is in the first HTML, and follows a Server Action without a reload or a fetch.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useBrowser } from "../support/browser.js";
import { ROOT, startApp, testDistDir, type RunningApp } from "../support/next-app.js";

const WAIT = { timeout: 10_000, interval: 50 };

describe("useSession() in app-example's header (Chromium)", () => {
  const browser = useBrowser();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app?.stop());
  const url = (path: string) => new URL(path, app.url).href;
  const logIn = async (page: Page) => {
    await page.goto(url("/login"));
    await waitForForms(page);
    await page.getByLabel("Username").fill("ada");
    await page.getByLabel("Password").fill("lovelace");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(url("/dashboard"), WAIT);
    await expect.poll(() => header(page), WAIT).toBe("Ada Lovelace");
  };
  const header = async (page: Page) => {
    const element = page.getByTestId("header-user");
    return (await element.count()) ? element.textContent() : null;
  };
  /** The nav's "Log in" link: shown to visitors only, in place of the name. */
  const logInLinks = (page: Page) => page.locator("nav").getByRole("link", { name: "Log in", exact: true }).count();

  it("shows the name in the first HTML, follows a rename Server Action without a reload, and clears at logout", async () => {
    const user = await browser.newUser();
    const { page } = user;
    await page.goto(url("/login"));
    expect(await header(page)).toBeNull();
    expect(await logInLinks(page)).toBe(1);
    await logIn(page);
    expect(await logInLinks(page)).toBe(0);

    // The server renders the name into the HTML itself: no loading state, no request for it.
    const html = await (await page.request.get(url("/cart"))).text();
    expect(html).toMatch(/data-testid="header-user"[^>]*>Ada Lovelace</);

    // Rename through a Server Action: the header follows, in the same document, with no other request.
    await page.goto(url("/dashboard"));
    await waitForForms(page);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const requests: Request[] = [];
    page.on("request", (request) => requests.push(request));
    await page.getByLabel("Display name").fill("Augusta Ada King");
    await page.getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => header(page), WAIT).toBe("Augusta Ada King");
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // (The router prefetches the header's links again after an action: those are not fetches of the session.)
    const calls = requests.filter((request) => (request.resourceType() === "fetch" || request.isNavigationRequest()) && !request.headers()["next-router-prefetch"]);
    expect(calls.map((request) => [request.method(), new URL(request.url()).pathname, Boolean(request.headers()["next-action"])])).toEqual([
      ["POST", "/dashboard", true],
    ]);
    // The Server Component and the Client Component agree, and the new name is in the session.
    expect(await page.getByTestId("user").textContent()).toBe("Augusta Ada King");
    const again = await (await page.request.get(url("/"))).text();
    expect(again).toMatch(/data-testid="header-user"[^>]*>Augusta Ada King</);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(url("/"), WAIT);
    await expect.poll(() => header(page), WAIT).toBeNull();
    await expect.poll(() => logInLinks(page), WAIT).toBe(1);
    expect(user.errors).toEqual([]);
  });

  it("a session ended in another tab leaves the header at the next client-side navigation (the @header slot renders again)", async () => {
    const user = await browser.newUser();
    const { page } = user;
    await logIn(page);
    await page.goto(url("/cart"));
    await waitForForms(page);
    expect(await header(page)).toBe("Ada Lovelace");
    const tab = await user.newPage();
    await tab.goto(url("/dashboard"));
    await waitForForms(tab);
    await tab.getByRole("button", { name: "Log out" }).click();
    await tab.waitForURL(url("/"), WAIT);

    // Back in the first tab, still showing /cart: a Link click renders / without reloading the document.
    await page.getByRole("link", { name: "Home", exact: true }).click();
    await page.waitForURL(url("/"), WAIT);
    await page.getByText("You are not signed in").waitFor();
    expect(await header(page)).toBeNull();
    expect(user.errors).toEqual([]);
  });

  it("the server bundles hold only a client reference: the module's code is in client and SSR chunks of its own, never in the proxy's", () => {
    const server = join(ROOT, "app-example", testDistDir(inject("runId")), "server");
    const chunks = readdirSync(server, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    const read = (file: string) => readFileSync(join(server, file), "utf8");
    // Markers: a string only dist/client.js has, and one only the server entry (createSessions) has.
    const clientCode = chunks.filter((file) => read(file).includes("next-session-kit/no-provider"));
    const serverCode = chunks.filter((file) => read(file).includes("needs a server-side store"));
    const references = chunks.filter((file) => /registerClientReference[\s\S]*dist\/client\.js/.test(read(file)));
    expect(clientCode.length).toBeGreaterThan(0); // rendered to HTML on the server (SSR), as Client Components are
    expect(serverCode.length).toBeGreaterThan(0);
    expect(references.length).toBeGreaterThan(0); // the Server Component tree points at it, nothing more
    expect(clientCode.filter((file) => serverCode.includes(file) || references.includes(file))).toEqual([]);
    // The proxy loads its chunks by name from its entry file; none of them is the client module.
    const proxyEntry = read("middleware.js");
    const proxyChunks = [...proxyEntry.matchAll(/"server\/(chunks\/[^"]+\.js)"/g)].map((match) => match[1]!);
    expect(proxyChunks.some((file) => serverCode.includes(file))).toBe(true);
    expect(proxyChunks.filter((file) => clientCode.includes(file))).toEqual([]);
  });
});

/** Waits until React has hydrated the page's forms (so they submit through Server Actions). */
async function waitForForms(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const forms = [...document.querySelectorAll("main form")];
    return forms.length > 0 && forms.every((form) => Object.keys(form).some((key) => key.startsWith("__reactProps$")));
  }, undefined, WAIT);
}
