// app-example without SESSION_PASSWORD: development makes one up and says so; production
// refuses to start, naming the variable.
import { afterEach, beforeAll, expect, it, vi } from "vitest";
import { ensureBuilt, startApp } from "../support/next-app.js";

// The build (once per run) in a hook, under the hook timeout: when this file is the first to
// need it, it must not count against the test's own 30 s.
beforeAll(() => ensureBuilt());

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

it("in development, generates a password once and says so", async () => {
  vi.stubEnv("NODE_ENV", "development");
  vi.stubEnv("SESSION_PASSWORD", "");
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const { password } = await import("../../app-example/lib/password.js");
  const first = password();
  expect(typeof first === "string" && first.length).toBeGreaterThanOrEqual(32);
  expect(password()).toBe(first);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toMatch(/SESSION_PASSWORD is not set/);
});

it("in production, next start refuses to start with a clear message", async () => {
  const error = await startApp({ SESSION_PASSWORD: "" }).then(
    async (app) => {
      await app.stop();
      return undefined;
    },
    (caught: unknown) => caught as Error,
  );
  expect(error?.message).toMatch(/next start exited early/);
  expect(error?.message).toMatch(/SESSION_PASSWORD is not set\. Set it to a random string of at least 32 characters/);
});
