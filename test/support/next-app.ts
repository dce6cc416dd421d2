/**
 * Real `next build` + `next start` of a test app. The build runs once per test run (a lock
 * directory makes parallel test files wait for the first one); each test file starts its own
 * server on a free port with its own environment (store, timeouts), and stops it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { oncePerRun } from "./once.js";
import { freePort } from "./redis.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const nextBin = (appDir: string) => createRequire(join(appDir, "package.json")).resolve("next/dist/bin/next");

/** The password test apps run with (tests seal and forge cookies with it). */
export const TEST_PASSWORD = "test-password-that-is-at-least-32-characters-long";

/**
 * Where this run builds app-example (`distDir`, see next.config.mjs): a folder per run, so a
 * build never replaces the files of a running `npm run example` or of another run's servers.
 * test/global-setup.ts removes it afterwards. Fixture apps in temporary folders use `.next`.
 */
export const testDistDir = (runId: string) => `.next-test-${runId.slice(0, 8)}`;

/** The environment every build and server of a test app gets. */
function appEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    SESSION_PASSWORD: TEST_PASSWORD,
    NEXT_TELEMETRY_DISABLED: "1",
    NSK_NEXT_DIST_DIR: testDistDir(inject("runId")),
  };
}

/** Builds `appDir` once per test run (the run id comes from test/global-setup.ts). */
export async function ensureBuilt(appDir = join(ROOT, "app-example")): Promise<void> {
  // Only app-example's configuration reads NSK_NEXT_DIST_DIR; fixture apps build into `.next`.
  const distDir = appDir === join(ROOT, "app-example") ? testDistDir(inject("runId")) : ".next";
  const marker = join(appDir, distDir, "nsk-test-run");
  const built = () => existsSync(marker);
  await oncePerRun(join(appDir, `${distDir}.lock`), built, () => build(appDir, marker));
}

function build(appDir: string, marker: string): void {
  nextBuild(appDir);
  writeFileSync(marker, "");
}

/** `next build` of `appDir` in the test apps' environment with `env` added (undefined removes a variable). */
export function nextBuild(appDir: string, env: Record<string, string | undefined> = {}): void {
  const result = spawnSync(process.execPath, [nextBin(appDir), "build", appDir], { cwd: appDir, env: { ...appEnv(), ...env }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`next build ${appDir} failed:\n${result.stdout}\n${result.stderr}`);
}

export interface RunningApp {
  url: string;
  port: number;
  /** Everything the server printed so far (tests assert no ids or data leak into logs). */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts `next start` on a free port with `env` added; resolves once it answers HTTP. `node`:
 * the Node binary that runs the server (default: the one running the tests; the build always
 * uses that one).
 */
export async function startApp(
  env: Record<string, string | undefined> = {},
  appDir = join(ROOT, "app-example"),
  node = process.execPath,
): Promise<RunningApp> {
  await ensureBuilt(appDir);
  const port = await freePort();
  const argv = [nextBin(appDir), "start", appDir, "--port", String(port), "--hostname", "127.0.0.1"];
  return serve("next start", node, argv, appDir, env, port);
}

/**
 * Spawns a Next server (`label` names it in errors) listening on `port`, with the test apps'
 * environment plus `env`; resolves once it answers HTTP.
 */
export async function serve(
  label: string,
  node: string,
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  port: number,
): Promise<RunningApp> {
  const child: ChildProcess = spawn(node, argv, { cwd, env: { ...appEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((done) => child.once("exit", done));
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${label} exited early:\n${output}`);
    try {
      await fetch(`${url}/favicon.ico`, { signal: AbortSignal.timeout(1000) });
      return { url, port, logs: () => output, stop };
    } catch {
      await sleep(100);
    }
  }
  await stop();
  throw new Error(`${label} did not answer on ${url}:\n${output}`);
}
