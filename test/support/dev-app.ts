/**
 * app-example under `next dev`, in a copy: tests edit its files (hot reload), and `next dev`
 * rewrites files of the app it serves. The copy sits beside app-example at the repository root,
 * so `next-session-kit` and `../next.config.mjs` resolve for it exactly as for app-example.
 * test/global-setup.ts removes it.
 */
import { cpSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { inject } from "vitest";
import { nextBin, ROOT, serve, testDistDir, type RunningApp } from "./next-app.js";
import { freePort } from "./redis.js";

/** The run's copy of app-example (a `.next-test-*` name: ignored by git). */
export const devAppDir = (runId: string) => join(ROOT, `${testDistDir(runId)}-dev`);

/** Build output and locks of other test runs' builds stay out of the copy. */
const source = (path: string) => !/^\.next|\.lock$/.test(basename(path));

export interface DevApp extends RunningApp {
  /** The copy's folder: edit its files to hot-reload them. */
  dir: string;
}

/** Copies app-example afresh and starts `next dev` on it with `env` added. */
export async function startDev(env: Record<string, string | undefined> = {}): Promise<DevApp> {
  const dir = devAppDir(inject("runId"));
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(ROOT, "app-example"), dir, { recursive: true, filter: source });
  const port = await freePort();
  const argv = [nextBin(dir), "dev", dir, "--port", String(port), "--hostname", "127.0.0.1"];
  const app = await serve("next dev", process.execPath, argv, dir, { NODE_ENV: "development", ...env }, port);
  return { ...app, dir };
}
