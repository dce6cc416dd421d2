// Section 2: `next build` + `next start` of bench/app on loopback, loaded by autocannon with a
// valid session cookie per route, routes alternating round by round.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { createClient as createKvClient } from "@vercel/kv";
import { sealData } from "iron-session";
import { kvStore } from "../dist/stores/kv.js";
import { buildEngine, mintCookie, PASSWORD, payload } from "./lib/engine.mjs";
import { freePort, useRedis } from "../test/support/redis.ts";
import { fmtX, median, table } from "./lib/measure.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
export const APP_DIR = join(HERE, "app");
const nextBin = createRequire(join(APP_DIR, "noop.js")).resolve("next/dist/bin/next");
const KV_TOKEN = "bench-kv-token";

const ROUTES = [
  { id: "plain", label: "/plain: no session, no proxy" },
  { id: "proxied", label: "/proxied: pass-through proxy, no session" },
  { id: "ours", label: "/ours: our proxy + getSession() (cookie store)" },
  { id: "iron", label: "/iron: iron-session in proxy (rolling save) + page" },
  { id: "kv", label: "/kv: our proxy + getSession() (kvStore via REST)" },
];

const appEnv = (extra = {}) => ({
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  SESSION_PASSWORD: PASSWORD,
  ...extra,
});

/** `next build` of bench/app (always: the app bundles ../dist, which `npm run build` just rebuilt). */
export function buildApp(log) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [nextBin, "build", APP_DIR], { cwd: APP_DIR, env: appEnv(), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`next build bench/app failed:\n${result.stdout}\n${result.stderr}`);
  const seconds = (Date.now() - started) / 1000;
  log(`  next build: ${seconds.toFixed(1)} s`);
  return seconds;
}

/** The Upstash REST fixture as a child process (its own event loop, away from autocannon). */
async function startRestChild(redisUrl) {
  const child = spawn(process.execPath, [join(HERE, "upstash-rest-child.mjs"), redisUrl, KV_TOKEN], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  process.once("exit", () => child.kill("SIGKILL"));
  const reply = () =>
    new Promise((resolve, reject) => {
      const exited = (code) => reject(new Error(`the Upstash REST child exited (${code})`));
      child.once("exit", exited);
      child.once("message", (message) => {
        child.off("exit", exited);
        resolve(message);
      });
    });
  const { url } = await reply();
  return {
    url,
    /** `{ requests, commands }` the fixture has served so far. */
    stats: () => {
      const answer = reply();
      child.send("stats");
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(3000)]);
      child.kill("SIGKILL");
    },
  };
}

async function startServer(env, log) {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, "start", APP_DIR, "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: APP_DIR,
    env: appEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  process.once("exit", () => child.kill("SIGKILL"));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    child.kill("SIGKILL");
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
    try {
      await fetch(`${url}/plain`, { signal: AbortSignal.timeout(2000) });
      log(`  next start on ${url} (pid ${child.pid})`);
      return { url, stop, output: () => output, cpu: () => cpuSeconds(child.pid) };
    } catch {
      await sleep(100);
    }
  }
  await stop();
  throw new Error(`next start did not answer on ${url}:\n${output}`);
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

function load(url, cookie, seconds, connections) {
  return autocannon({ url, connections, duration: seconds, headers: cookie ? { cookie } : {}, timeout: 10 });
}

export async function runE2E({ rounds = 3, seconds = 8, warmup = 3, connections = 10, kv = true, log = () => {} }) {
  const result = { rounds, seconds, connections, warmup, routes: [], kv: { enabled: kv } };
  result.buildSeconds = buildApp(log);
  const cleanups = [];
  try {
    let kvEnv = {};
    let rest;
    let kvCookie;
    if (kv) {
      const redis = await useRedis({ private: true });
      cleanups.push(() => redis.stop());
      rest = await startRestChild(redis.url);
      cleanups.push(() => rest.stop());
      kvEnv = { KV_REST_API_URL: rest.url, KV_REST_API_TOKEN: KV_TOKEN };
      const kvEngine = buildEngine({ password: PASSWORD, store: kvStore({ client: createKvClient({ url: rest.url, token: KV_TOKEN }) }), cookie: { name: "session" } });
      kvCookie = `session=${await mintCookie(kvEngine, payload(), "session")}`;
    }
    const server = await startServer(kvEnv, log);
    cleanups.push(() => server.stop());

    // One valid session per route, minted with the app's password.
    const ours = buildEngine({ password: PASSWORD, cookie: { name: "session" } });
    const oursCookie = `session=${await mintCookie(ours, payload(), "session")}`;
    // The session-less routes get the same Cookie header as /ours (they ignore it): every route
    // receives the same request bytes.
    const cookies = {
      plain: oursCookie,
      proxied: oursCookie,
      ours: oursCookie,
      iron: `iron=${await sealData(payload(), { password: PASSWORD, ttl: 7 * 24 * 60 * 60 })}`,
      kv: kvCookie,
    };
    const routes = ROUTES.filter((route) => route.id !== "kv" || kv);

    // Sanity: every route answers 200 and renders the signed-in user (not a logged-out page).
    for (const route of routes) {
      const response = await fetch(`${server.url}/${route.id}`, { headers: cookies[route.id] ? { cookie: cookies[route.id] } : {} });
      const body = await response.text();
      const signedIn = body.includes("Signed in as Ada Lovelace");
      const shouldBeSignedIn = ["ours", "iron", "kv"].includes(route.id);
      if (response.status !== 200 || signedIn !== shouldBeSignedIn) {
        throw new Error(`bench: GET /${route.id} gave ${response.status}, signed in: ${signedIn}\n${body.slice(0, 500)}\n${server.output().slice(-2000)}`);
      }
      route.setCookies = response.headers.getSetCookie().map((line) => line.split("=")[0]);
      route.results = [];
      route.restPerRequest = [];
    }

    for (const route of routes) {
      await load(`${server.url}/${route.id}`, cookies[route.id], warmup, connections);
    }
    log(`  warmed up ${routes.length} routes (${warmup} s each)`);
    for (let round = 0; round < rounds; round++) {
      const order = routes.map((_, i) => routes[(i + round) % routes.length]);
      for (const route of order) {
        const before = route.id === "kv" ? await rest.stats() : undefined;
        const cpu0 = server.cpu();
        const run = await load(`${server.url}/${route.id}`, cookies[route.id], seconds, connections);
        const cpu = server.cpu() - cpu0;
        if (before) {
          const after = await rest.stats();
          route.restPerRequest.push((after.requests - before.requests) / run.requests.total);
        }
        route.results.push({
          rps: run.requests.total / run.duration,
          cpuMs: (cpu * 1000) / run.requests.total,
          p50: run.latency.p50,
          p975: run.latency.p97_5,
          p99: run.latency.p99,
          total: run.requests.total,
          non2xx: run.non2xx,
          errors: run.errors + run.timeouts,
        });
        await sleep(300);
      }
      log(`  round ${round + 1}/${rounds}: ${routes.map((r) => `${r.id} ${r.results.at(-1).rps.toFixed(0)}`).join(", ")} req/s`);
    }

    const plainOf = (i) => routes.find((r) => r.id === "plain").results[i].rps;
    const ironOf = (i) => routes.find((r) => r.id === "iron").results[i].rps;
    for (const route of routes) {
      const rs = route.results;
      result.routes.push({
        id: route.id,
        label: route.label,
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p975: median(rs.map((r) => r.p975)),
        p99: median(rs.map((r) => r.p99)),
        cpuMs: median(rs.map((r) => r.cpuMs)),
        cpuRange: [Math.min(...rs.map((r) => r.cpuMs)), Math.max(...rs.map((r) => r.cpuMs))],
        cpuVsPlain: median(rs.map((r, i) => r.cpuMs / routes.find((x) => x.id === "plain").results[i].cpuMs)),
        cpuVsIron: median(rs.map((r, i) => r.cpuMs / routes.find((x) => x.id === "iron").results[i].cpuMs)),
        perRound: rs.map((r) => r.rps),
        vsPlain: median(rs.map((r, i) => r.rps / plainOf(i))),
        vsIron: median(rs.map((r, i) => r.rps / ironOf(i))),
        vsPlainRounds: rs.map((r, i) => r.rps / plainOf(i)),
        vsIronRounds: rs.map((r, i) => r.rps / ironOf(i)),
        failures: rs.reduce((n, r) => n + r.non2xx + r.errors, 0),
        requests: rs.reduce((n, r) => n + r.total, 0),
        setCookies: route.setCookies,
        restPerRequest: route.restPerRequest.length ? median(route.restPerRequest) : undefined,
      });
    }
    return result;
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => {});
  }
}

export function e2eMarkdown(e2e) {
  const out = [];
  const route = (id) => e2e.routes.find((r) => r.id === id);
  out.push(
    `\`next build\` of bench/app (Next 16, Turbopack) took ${e2e.buildSeconds.toFixed(0)} s, then \`next start\` on 127.0.0.1; autocannon (in the bench process) with ` +
      `${e2e.connections} connections, ${e2e.warmup} s warm-up per route, then ${e2e.rounds} rounds of ${e2e.seconds} s per route, routes rotated each round. ` +
      "Every request carries a valid session cookie minted with the app's password (the session pages render the signed-in user: checked before loading; " +
      "the session-less routes get the same Cookie header as /ours and ignore it). " +
      "Figures are medians over the rounds; ratios are medians of the per-round ratios (both routes measured in the same round). " +
      "*Server CPU ms/req* is the `next start` process's user+system CPU time (from /proc) over the run divided by the requests served: " +
      "less sensitive than req/s to whatever else the machine is running. " +
      "Server, load generator (and, for /kv, the REST server and Redis) share the machine's cores.",
    "",
  );
  out.push(
    table(
      ["route", "req/s", "p50 ms", "p97.5 ms", "p99 ms", "req/s vs /plain", "req/s vs /iron", "server CPU ms/req", "(range)", "CPU vs /plain", "Set-Cookie sent", "failed"],
      e2e.routes.map((r) => [
        r.label,
        r.rps.toFixed(0),
        r.p50,
        r.p975,
        r.p99,
        fmtX(r.vsPlain),
        r.id === "iron" ? "1.00x" : fmtX(r.vsIron),
        r.cpuMs.toFixed(2),
        `${r.cpuRange[0].toFixed(2)}–${r.cpuRange[1].toFixed(2)}`,
        fmtX(r.cpuVsPlain),
        r.setCookies.length ? r.setCookies.join(", ") : "none",
        `${r.failures}/${r.requests}`,
      ]),
    ),
  );
  const ours = route("ours");
  // Capacity from CPU cost: requests/s a fully busy server could serve, relative (1 / CPU ratio).
  const targets = [
    { label: "/ours vs /plain (req/s)", x: ours.vsPlain, cpuX: 1 / ours.cpuVsPlain, target: 0.85, rounds: ours.vsPlainRounds },
    { label: "/ours vs /iron (req/s)", x: ours.vsIron, cpuX: 1 / ours.cpuVsIron, target: 1.3, rounds: ours.vsIronRounds },
  ];
  out.push(
    "",
    table(
      ["target (issue 6)", "measured (req/s)", "per round", "same from server CPU/req", "target", "met?"],
      targets.map((t) => [t.label, fmtX(t.x), t.rounds ? t.rounds.map(fmtX).join(", ") : "", fmtX(t.cpuX), `>= ${t.target}x`, t.x >= t.target ? "yes" : `NO: ${((1 - t.x / t.target) * 100).toFixed(0)}% short`]),
    ),
    "",
    "Server CPU per request, step by step (medians; each step adds one thing to the previous route; a step smaller than the rounds' range above " +
      "is within this run's noise and can even come out negative):",
    "",
    table(
      ["step", "adds (ms CPU/req)", "share of /ours's total"],
      costSteps(e2e).map((step) => [step.label, step.ms.toFixed(2), `${((step.ms / ours.cpuMs) * 100).toFixed(0)}%`]),
    ),
  );
  const kv = route("kv");
  if (kv) {
    out.push(
      "",
      `/kv: ${kv.restPerRequest?.toFixed(2)} REST round trips to the KV server per page request${kv.restPerRequest >= 1.5 ? " (one in the proxy, one in getSession(): the page does not reuse the proxy's read)" : ""}, ` +
        `and ${(kv.cpuMs - ours.cpuMs).toFixed(2)} ms more server CPU per request than /ours (the \`next start\` process only; the REST server and Redis run in their own processes).`,
    );
  } else {
    out.push("", "/kv: not measured in this run (BENCH_KV=0).");
  }
  return { text: out.join("\n"), targets };
}

/** Where /ours's server CPU goes: plain page -> + proxy -> + session work. */
export function costSteps(e2e) {
  const ms = (id) => e2e.routes.find((r) => r.id === id).cpuMs;
  return [
    { id: "page", label: "the page itself (/plain)", ms: ms("plain") },
    { id: "proxy", label: "+ a proxy that passes through (/proxied - /plain)", ms: ms("proxied") - ms("plain") },
    { id: "session", label: "+ our session work: proxy open, cookies(), page open (/ours - /proxied)", ms: ms("ours") - ms("proxied") },
  ];
}
