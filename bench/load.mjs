// Section 4 (issue 7): the load test test/load/load.test.ts, run once through vitest from the
// repository root. It writes its figures to test-results/load.json, which this section reads.
// When BENCH_ONLY leaves it out, the report quotes the last load.json and says when it was made.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { table } from "./lib/measure.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TEST = "test/load/load.test.ts";
const RESULT = join(ROOT, "test-results", "load.json");
const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const TIME_LIMIT_MS = 10 * 60_000;

/** Runs the load test once; rejects if it fails or leaves no fresh test-results/load.json. */
export async function runLoad({ log = () => {} } = {}) {
  const started = Date.now();
  const child = spawn(process.execPath, [vitestBin, "run", TEST], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  process.once("exit", () => child.kill("SIGKILL"));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill("SIGTERM"), TIME_LIMIT_MS);
  const code = await new Promise((resolve) => child.once("exit", (status, signal) => resolve(status ?? signal)));
  clearTimeout(timer);
  const wallSeconds = (Date.now() - started) / 1000;
  const lines = [...output.matchAll(/load \(\w+\): .*p99 \d+ ms/g)].map((match) => match[0]);
  if (code !== 0) throw new Error(`vitest run ${TEST} failed (${code}) after ${wallSeconds.toFixed(0)} s:\n${output.slice(-3000)}`);
  const figures = readResult();
  if (!figures || Date.parse(figures.date) < started) throw new Error(`vitest run ${TEST} passed but left no fresh ${RESULT}`);
  for (const line of lines) log(`  ${line}`);
  log(`  load test passed (vitest run: ${wallSeconds.toFixed(0)} s including next build)`);
  return { ...figures, measuredInThisRun: true, vitestSeconds: wallSeconds };
}

/** The figures of the last load test run (any run: `npm test` writes them too), or undefined. */
export function lastLoad() {
  const figures = readResult();
  return figures && { ...figures, measuredInThisRun: false };
}

function readResult() {
  return existsSync(RESULT) ? JSON.parse(readFileSync(RESULT, "utf8")) : undefined;
}

export function loadMarkdown(load) {
  const when = load.measuredInThisRun
    ? `Measured in this run: \`vitest run ${TEST}\` took ${load.vitestSeconds.toFixed(0)} s including its \`next build\` of app-example (machine activity meanwhile: see the table at the top).`
    : `**Not measured in this run** (BENCH_ONLY): the figures of the last run of the test, made ${load.date} on ${load.machine.cpus} × ${load.machine.cpu}, Node ${load.machine.node}.`;
  if (!load.runs) return `${when}\n\nThe saved figures predate the per-store runs (issue 12 item 5): run the load test again.`;
  return [
    `\`${TEST}\` (issues 7 and 12): \`next start\` of app-example on each store in turn, ${load.users} simulated no-JavaScript browsers at once, ` +
      `each signing in, adding items to its cart through the Server Action form and reading /dashboard, /api/me and /cart after each (${load.requestsPerUser} requests per user), ` +
      "every response checked for another session's data and for lost items. The client side runs in the vitest process on the same machine; latency is per request as the client saw it. " +
      "This is a different app and mix (logins, form posts, store round trips) from section 2: compare it with earlier runs of the same test, not with the autocannon routes.",
    "",
    when,
    "",
    table(
      ["store", "requests/s", "p50 ms", "p99 ms", "requests", "duration", "responses", "problems"],
      load.runs.map((run) => [
        run.storeLabel,
        run.requestsPerSecond,
        run.p50Ms,
        run.p99Ms,
        run.requests,
        `${(run.durationMs / 1000).toFixed(1)} s`,
        Object.entries(run.byStatus).map(([status, n]) => `${n} × ${status}`).join(", "),
        run.problems,
      ]),
    ),
  ].join("\n");
}
