/**
 * app-example as a Docker image holds it: built once per run with `output: "standalone"`
 * (NSK_NEXT_OUTPUT, see next.config.mjs) and without SESSION_PASSWORD, as an image build has
 * no runtime secrets; the standalone folder is then copied out of the repository with
 * `.next/static` beside it, as Next's Dockerfile does, so nothing resolves back into the
 * repository's node_modules. Each test file starts `node server.js` with its own environment.
 */
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { nextBuild, ROOT, serve, testDistDir, type RunningApp } from "./next-app.js";
import { oncePerRun } from "./once.js";
import { freePort } from "./redis.js";

const APP = join(ROOT, "app-example");

/** The run's standalone build folder inside app-example (test/global-setup.ts removes it). */
export const standaloneDistDir = (runId: string) => `${testDistDir(runId)}-standalone`;

/** Where the run's image-like copy of the standalone server lives (removed with the build). */
export const standaloneCopy = (runId: string) => join(tmpdir(), `nsk-${runId}-standalone`);

/** Builds and copies once per run; returns the folder of the copied app's server.js. */
async function ensureStandalone(): Promise<string> {
  const runId = inject("runId");
  const distDir = standaloneDistDir(runId);
  const image = standaloneCopy(runId);
  const serverDir = join(image, "app-example");
  const marker = join(image, "nsk-test-run");
  await oncePerRun(join(APP, `${distDir}.lock`), () => existsSync(marker), () => {
    nextBuild(APP, { NSK_NEXT_DIST_DIR: distDir, NSK_NEXT_OUTPUT: "standalone", SESSION_PASSWORD: undefined });
    rmSync(image, { recursive: true, force: true });
    // The traced files keep their place relative to the tracing root (the repository), so the
    // server sits in app-example/ of the copy and reads `<distDir>/static` from beside it.
    // Verbatim symlinks: Turbopack links external packages (ioredis) relatively, and a link
    // resolved by the copy would point back into the repository's build.
    cpSync(join(APP, distDir, "standalone"), image, { recursive: true, verbatimSymlinks: true });
    cpSync(join(APP, distDir, "static"), join(serverDir, distDir, "static"), { recursive: true });
    writeFileSync(marker, "");
  });
  return serverDir;
}

/** Starts `node server.js` of the standalone copy with `env` added (runtime secrets go here). */
export async function startStandalone(env: Record<string, string | undefined> = {}): Promise<RunningApp> {
  const serverDir = await ensureStandalone();
  const port = await freePort();
  return serve("node server.js", process.execPath, ["server.js"], serverDir, { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" }, port);
}
