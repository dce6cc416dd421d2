// Section 2: `next build` + `next start` of bench/app on loopback, loaded by autocannon with a
// valid session cookie per route, routes alternating round by round.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { encode as encodeJwt } from "@auth/core/jwt";
import { createClient as createKvClient } from "@vercel/kv";
import { sealData } from "iron-session";
import { Redis } from "ioredis";
import { kvStore } from "../dist/stores/kv.js";
import { redisStore } from "../dist/stores/redis.js";
import { buildEngine, mintCookie, PASSWORD, payload, shiftedClock } from "./lib/engine.mjs";
import { freePort, useRedis } from "../test/support/redis.ts";
import { fmtX, median, table } from "./lib/measure.mjs";
import { statsDelta } from "./lib/redis-count.mjs";

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
  { id: "redis", label: "/redis: our proxy + getSession() (redisStore, ioredis over TCP)" },
  { id: "authjs", label: "/authjs: Auth.js v5 `auth` proxy + auth() in the page (JWT)" },
  { id: "betterauth", label: "/betterauth: better-auth `getSessionCookie` proxy + auth.api.getSession() in the page (stateless, JWE cookie cache)" },
];
/** Routes that need the private Redis (and, for /kv, the REST server): left out with BENCH_KV=0. */
const SERVER_SIDE = new Set(["kv", "redis"]);
const AUTHJS_COOKIE = "authjs.session-token";

/** An Auth.js session cookie as its sign-in would set it: the payload in a JWE (its `encode`, same secret and salt). */
async function authjsCookie() {
  const data = payload();
  const token = await encodeJwt({ token: { ...data, sub: data.userId }, secret: PASSWORD, salt: AUTHJS_COOKIE, maxAge: 30 * 24 * 60 * 60 });
  return `${AUTHJS_COOKIE}=${token}`;
}

/**
 * A better-auth session as its sign-in leaves it in a browser: one sign-up (which signs in) through
 * its endpoint on the running app, with the payload's fields (better-auth assigns the user id
 * itself), and the cookies it sets (`session_token`, and `session_data`: the cookie cache) as a
 * Cookie header.
 */
async function betterAuthCookie(url) {
  const { userId, ...fields } = payload();
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ ...fields, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`bench: better-auth sign-up answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
}

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

/** The id of the Server Action exported as `name` (from the build's server-reference-manifest.json). */
function serverActionId(name) {
  const manifest = JSON.parse(readFileSync(join(APP_DIR, ".next", "server", "server-reference-manifest.json"), "utf8"));
  const found = Object.entries(manifest.node ?? {}).find(([, entry]) => entry.exportedName === name || Object.values(entry.workers ?? {}).some((worker) => worker.exportedName === name));
  if (!found) throw new Error(`bench: no Server Action ${name} in the build's manifest`);
  return found[0];
}

/** A Server Action call as the page's form makes it with JavaScript (fetch with Next-Action), no arguments. */
function callAction(url, actionId, cookie) {
  return fetch(url, {
    method: "POST",
    headers: { cookie, "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: new URL(url).origin },
    body: "[]",
  });
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

/** `next start` of the built bench app; `nodeArgs` go to its Node (e.g. `--cpu-prof`). */
export async function startServer(env, log, nodeArgs = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, nextBin, "start", APP_DIR, "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: APP_DIR,
    // BETTER_AUTH_URL: better-auth's base URL, which its docs have every deployment set.
    env: appEnv({ ...env, BETTER_AUTH_URL: url }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  process.once("exit", () => child.kill("SIGKILL"));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
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

export function load(url, cookie, seconds, connections) {
  return autocannon({ url, connections, duration: seconds, headers: cookie ? { cookie } : {}, timeout: 10 });
}

export async function runE2E({ rounds = 3, seconds = 8, warmup = 3, connections = 10, kv = true, log = () => {} }) {
  const result = { rounds, seconds, connections, warmup, routes: [], kv: { enabled: kv } };
  result.buildSeconds = buildApp(log);
  const cleanups = [];
  try {
    let kvEnv = {};
    let rest;
    let redis;
    let kvCookie;
    let redisCookie;
    if (kv) {
      redis = await useRedis({ private: true });
      cleanups.push(() => redis.stop());
      rest = await startRestChild(redis.url);
      cleanups.push(() => rest.stop());
      kvEnv = { KV_REST_API_URL: rest.url, KV_REST_API_TOKEN: KV_TOKEN, REDIS_URL: redis.url };
      const kvEngine = buildEngine({ password: PASSWORD, store: kvStore({ client: createKvClient({ url: rest.url, token: KV_TOKEN }) }), cookie: { name: "session" } });
      kvCookie = `session=${await mintCookie(kvEngine, payload(), "session")}`;
      const minting = new Redis(redis.url);
      cleanups.push(() => minting.disconnect());
      redisCookie = `session=${await mintCookie(buildEngine({ password: PASSWORD, store: redisStore({ client: minting }), cookie: { name: "session" } }), payload(), "session")}`;
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
      redis: redisCookie,
      authjs: await authjsCookie(),
      betterauth: await betterAuthCookie(server.url),
    };
    const routes = ROUTES.filter((route) => kv || !SERVER_SIDE.has(route.id));

    // Sanity: every route answers 200 and renders the signed-in user (not a logged-out page).
    for (const route of routes) {
      const response = await fetch(`${server.url}/${route.id}`, { headers: cookies[route.id] ? { cookie: cookies[route.id] } : {} });
      const body = await response.text();
      const signedIn = body.includes("Signed in as Ada Lovelace");
      const shouldBeSignedIn = ["ours", "iron", "authjs", "betterauth", ...SERVER_SIDE].includes(route.id);
      if (response.status !== 200 || signedIn !== shouldBeSignedIn) {
        throw new Error(`bench: GET /${route.id} gave ${response.status}, signed in: ${signedIn}\n${body.slice(0, 500)}\n${server.output().slice(-2000)}`);
      }
      route.setCookies = response.headers.getSetCookie().map((line) => line.split("=")[0]);
      route.results = [];
      route.restPerRequest = [];
      route.redisPerRequest = [];
    }

    for (const route of routes) {
      await load(`${server.url}/${route.id}`, cookies[route.id], warmup, connections);
    }
    log(`  warmed up ${routes.length} routes (${warmup} s each)`);
    for (let round = 0; round < rounds; round++) {
      const order = routes.map((_, i) => routes[(i + round) % routes.length]);
      for (const route of order) {
        const before = route.id === "kv" ? await rest.stats() : undefined;
        const commandsBefore = route.id === "redis" ? await redis.commandStats() : undefined;
        const cpu0 = server.cpu();
        const run = await load(`${server.url}/${route.id}`, cookies[route.id], seconds, connections);
        const cpu = server.cpu() - cpu0;
        if (before) {
          const after = await rest.stats();
          route.restPerRequest.push((after.requests - before.requests) / run.requests.total);
        }
        if (commandsBefore) {
          // The store talks to Redis only through scripts: each EVALSHA (or EVAL) is one round trip;
          // commandstats also counts the commands the scripts run inside Redis, which are not.
          const delta = statsDelta(commandsBefore, await redis.commandStats());
          route.redisPerRequest.push(((delta.evalsha ?? 0) + (delta.eval ?? 0)) / run.requests.total);
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

    const rpsOf = (id, i) => routes.find((r) => r.id === id).results[i].rps;
    const plainOf = (i) => rpsOf("plain", i);
    const ironOf = (i) => rpsOf("iron", i);
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
        vsProxied: median(rs.map((r, i) => r.rps / rpsOf("proxied", i))),
        vsProxiedRounds: rs.map((r, i) => r.rps / rpsOf("proxied", i)),
        vsAuthjs: median(rs.map((r, i) => r.rps / rpsOf("authjs", i))),
        vsAuthjsRounds: rs.map((r, i) => r.rps / rpsOf("authjs", i)),
        vsBetterauth: median(rs.map((r, i) => r.rps / rpsOf("betterauth", i))),
        vsPlainRounds: rs.map((r, i) => r.rps / plainOf(i)),
        vsIronRounds: rs.map((r, i) => r.rps / ironOf(i)),
        failures: rs.reduce((n, r) => n + r.non2xx + r.errors, 0),
        requests: rs.reduce((n, r) => n + r.total, 0),
        setCookies: route.setCookies,
        restPerRequest: route.restPerRequest.length ? median(route.restPerRequest) : undefined,
        redisPerRequest: route.redisPerRequest.length ? median(route.redisPerRequest) : undefined,
      });
    }
    // Round trips of a page request whose renewal is due (default updateAge: 1 h; minted 2 h ago), each cookie once.
    if (kv) {
      const DUE = 20;
      const due = async (store) => {
        const engine = buildEngine({ password: PASSWORD, store, cookie: { name: "session" } });
        // One at a time: shiftedClock swaps Date.now, so overlapping calls would leave it shifted.
        const values = [];
        for (let i = 0; i < DUE; i++) values.push(await shiftedClock(-2 * 60 * 60 * 1000, () => mintCookie(engine, payload(), "session")));
        return values;
      };
      const minting = new Redis(redis.url);
      const [kvDue, redisDue] = [await due(kvStore({ client: createKvClient({ url: rest.url, token: KV_TOKEN }) })), await due(redisStore({ client: minting }))];
      minting.disconnect();
      const renewed = async (id, values) => {
        let setCookies = 0;
        for (const value of values) setCookies += (await fetch(`${server.url}/${id}`, { headers: { cookie: `session=${value}` } })).headers.getSetCookie().length;
        return setCookies;
      };
      const restBefore = await rest.stats();
      const kvRenewed = await renewed("kv", kvDue);
      const restAfter = await rest.stats();
      const redisBefore = await redis.commandStats();
      const redisRenewed = await renewed("redis", redisDue);
      const redisDelta = statsDelta(redisBefore, await redis.commandStats());
      result.renewalDue = {
        requests: DUE,
        kv: { perRequest: (restAfter.requests - restBefore.requests) / DUE, renewed: kvRenewed },
        redis: { perRequest: ((redisDelta.evalsha ?? 0) + (redisDelta.eval ?? 0)) / DUE, renewed: redisRenewed },
      };
      log(`  renewal due: kv ${result.renewalDue.kv.perRequest} REST requests/page (${kvRenewed} Set-Cookie), redis ${result.renewalDue.redis.perRequest} EVALSHA/page (${redisRenewed} Set-Cookie)`);
    }
    // Round trips of a Server Action request that reads the session and saves a change (the proxy reads it first).
    if (kv) {
      const CALLS = 20;
      const call = async (path, action, cookie) => {
        const id = serverActionId(action);
        for (let i = 0; i < CALLS; i++) {
          const response = await callAction(`${server.url}/${path}`, id, cookie);
          await response.text();
          if (response.status !== 200) throw new Error(`bench: Server Action on /${path} answered ${response.status}`);
        }
      };
      const restBefore = await rest.stats();
      await call("kv-action", "countKvVisit", kvCookie);
      const restAfter = await rest.stats();
      const redisBefore = await redis.commandStats();
      await call("redis-action", "countRedisVisit", redisCookie);
      const redisDelta = statsDelta(redisBefore, await redis.commandStats());
      result.actionSave = {
        requests: CALLS,
        kv: { perRequest: (restAfter.requests - restBefore.requests) / CALLS },
        redis: { perRequest: ((redisDelta.evalsha ?? 0) + (redisDelta.eval ?? 0)) / CALLS, writes: (redisDelta.hset ?? 0) / CALLS },
      };
      log(`  Server Action read + save: kv ${result.actionSave.kv.perRequest} REST requests/request, redis ${result.actionSave.redis.perRequest} EVALSHA/request`);
    }
    // Where the CPU goes, on a server of its own (the profiler slows it): the pass-through proxy, then ours.
    await server.stop();
    // Imported here: profile.mjs, run alone, imports this file.
    const { profileRoute } = await import("./profile.mjs");
    result.profiles = [];
    for (const id of ["proxied", "ours"]) {
      // At least 8 s each: in a short run the connections' teardown at its end weighs too much.
      result.profiles.push(await profileRoute({ route: id, cookie: cookies[id], env: kvEnv, seconds: Math.max(8, seconds), warmup: 2, connections, startServer, load, log }));
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
      "Every request carries a valid session cookie minted with the app's password (better-auth's: set by one sign-up through its endpoint at the start; " +
      "the session pages render the signed-in user: checked before loading; " +
      "the session-less routes get the same Cookie header as /ours and ignore it). " +
      "Figures are medians over the rounds; ratios are medians of the per-round ratios (both routes measured in the same round). " +
      "*Server CPU ms/req* is the `next start` process's user+system CPU time (from /proc) over the run divided by the requests served: " +
      "less sensitive than req/s to whatever else the machine is running. " +
      "Server, load generator (and, for /kv, the REST server and Redis) share the machine's cores.",
    "",
  );
  out.push(
    table(
      ["route", "req/s", "p50 ms", "p97.5 ms", "p99 ms", "req/s vs /plain", "vs /proxied", "vs /iron", "vs /authjs", "vs /betterauth", "server CPU ms/req", "(range)", "CPU vs /plain", "Set-Cookie sent", "failed"],
      e2e.routes.map((r) => [
        r.label,
        r.rps.toFixed(0),
        r.p50,
        r.p975,
        r.p99,
        fmtX(r.vsPlain),
        fmtX(r.vsProxied),
        fmtX(r.vsIron),
        r.vsAuthjs === undefined || Number.isNaN(r.vsAuthjs) ? "-" : fmtX(r.vsAuthjs),
        r.vsBetterauth === undefined || Number.isNaN(r.vsBetterauth) ? "-" : fmtX(r.vsBetterauth),
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
  const cpuRatio = (a, b) => (b && a ? b.cpuMs / a.cpuMs : Number.NaN); // capacity of a relative to b, from CPU per request
  const targets = [
    { label: "/ours vs /plain (req/s)", issue: 6, x: ours.vsPlain, cpuX: 1 / ours.cpuVsPlain, target: 0.85, rounds: ours.vsPlainRounds },
    { label: "/ours vs /iron (req/s)", issue: 6, x: ours.vsIron, cpuX: 1 / ours.cpuVsIron, target: 1.3, rounds: ours.vsIronRounds },
    { label: "/ours vs /proxied (req/s)", issue: 12, x: ours.vsProxied, cpuX: cpuRatio(ours, route("proxied")), target: 0.95, rounds: ours.vsProxiedRounds },
  ];
  const authjs = route("authjs");
  if (authjs) targets.push({ label: "/ours vs /authjs (req/s)", issue: 12, x: ours.vsAuthjs, cpuX: cpuRatio(ours, authjs), target: 2, rounds: ours.vsAuthjsRounds });
  for (const [id, target, note] of [["kv", 0.55, " (moonshot 0.7x)"], ["redis", 0.7, ""]]) {
    const r = route(id);
    if (r) targets.push({ label: `/${id} vs /plain (req/s)`, issue: 12, x: r.vsPlain, cpuX: 1 / r.cpuVsPlain, target, note, rounds: r.vsPlainRounds });
  }
  out.push(
    "",
    table(
      ["target", "issue", "measured (req/s)", "per round", "same from server CPU/req", "target", "met?"],
      targets.map((t) => [t.label, t.issue, fmtX(t.x), t.rounds ? t.rounds.map(fmtX).join(", ") : "", fmtX(t.cpuX), `>= ${t.target}x${t.note ?? ""}`, t.x >= t.target ? "yes" : `NO: ${((1 - t.x / t.target) * 100).toFixed(0)}% short`]),
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
    const redis = route("redis");
    out.push(
      "",
      `/redis: ${redis.redisPerRequest?.toFixed(2)} round trips to Redis per page request (EVALSHA/EVAL calls in INFO commandstats: the store sends nothing else), ` +
        `and ${(redis.cpuMs - ours.cpuMs).toFixed(2)} ms more server CPU per request than /ours.`,
    );
    const due = e2e.renewalDue;
    if (due) {
      out.push(
        "",
        `Renewal due (${due.requests} page requests, each with its own session minted 2 h earlier, so the default hourly renewal is due): ` +
          `/kv ${due.kv.perRequest.toFixed(2)} REST round trips per page request (${due.kv.renewed} Set-Cookie headers), ` +
          `/redis ${due.redis.perRequest.toFixed(2)} EVALSHA per page request (${due.redis.renewed} Set-Cookie headers): the proxy's load renews inside its one script, and the page takes it over.`,
      );
    }
    const action = e2e.actionSave;
    if (action) {
      out.push(
        "",
        `Server Action that reads the session and saves one change (${action.requests} calls through the page's Next-Action protocol, bench/app/app/*-action): ` +
          `/kv-action ${action.kv.perRequest.toFixed(2)} REST round trips per request, /redis-action ${action.redis.perRequest.toFixed(2)} EVALSHA per request, the save included ` +
          "(the proxy's read is handed to the action, so the read costs one and the save one).",
      );
    }
  } else {
    out.push("", "/kv, /redis: not measured in this run (BENCH_KV=0).");
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
