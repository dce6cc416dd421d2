// `npm run bench` (= `npm run build && node bench/run.mjs`): every benchmark of issue 6, side by
// side in one run, plus the load test of issue 7, printed and written to BENCHMARKS.md (raw
// figures in bench/.results/last.json).
//
//   BENCH_ONLY=micro,kv,e2e,load,bundle   run only these sections (default: all five)
//   BENCH_QUICK=1             fewer/shorter rounds and 10^5 instead of 10^6 stored sessions (a smoke run)
//   BENCH_KV=0                leave /kv and /redis out of the end-to-end section
//   BENCH_ROUNDS=<n>          rounds for every section (default: micro 15, kv 10, e2e 8)
//   BENCH_SECONDS=<n>         seconds per end-to-end run (default 5)
//   BENCH_RENDER=1            only re-render BENCHMARKS.md from bench/.results/last.json (no measuring)
//
// Everything runs on loopback against processes this script starts (next start, a private
// redis-server, the Upstash REST fixture, vitest) and stops; a watchdog ends the run if anything hangs.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { costSteps, e2eMarkdown, runE2E } from "./e2e.mjs";
import { kvMarkdown, runKv } from "./kv.mjs";
import { busyBetween, busyness, fmtUs, fmtX, machine, table } from "./lib/measure.mjs";
import { lastLoad, loadMarkdown, runLoad } from "./load.mjs";
import { bundleMarkdown, measureBundles } from "./bundle.mjs";
import { microMarkdown, runMicro } from "./micro.mjs";
import { profileReport } from "./profile.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..");
const env = process.env;
const quick = env.BENCH_QUICK === "1";
const SECTIONS = ["micro", "kv", "e2e", "load", "bundle"];
const only = new Set((env.BENCH_ONLY ?? SECTIONS.join(",")).split(",").map((s) => s.trim()));
const rounds = (fallback) => (env.BENCH_ROUNDS ? Number(env.BENCH_ROUNDS) : quick ? Math.min(3, fallback) : fallback);
const WATCHDOG_MINUTES = 20;

const started = Date.now();
const log = (message) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
setTimeout(() => {
  console.error(`[bench] still running after ${WATCHDOG_MINUTES} minutes: giving up (child processes are killed on exit).`);
  process.exit(2);
}, WATCHDOG_MINUTES * 60_000).unref();
for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));

if (env.BENCH_RENDER === "1") {
  const saved = JSON.parse(readFileSync(join(HERE, ".results", "last.json"), "utf8"));
  const text = render(saved, {});
  console.log(text);
  if (complete(saved)) writeFileSync(join(ROOT, "BENCHMARKS.md"), text);
  process.exit(0);
}

const box = machine();
log(`${box.cpu}, ${box.cores} cores, ${box.memoryGiB} GiB, Node ${box.node}`);

const results = { machine: box, sections: {}, activity: {} };
const failures = {};
const atStart = busyness();
log(`load average ${atStart.load.map((x) => x.toFixed(2)).join(", ")}`);

async function section(name, run) {
  if (!only.has(name)) return;
  log(`section ${name}`);
  const before = busyness();
  try {
    results.sections[name] = await run();
  } catch (error) {
    failures[name] = error;
    console.error(`[bench] section ${name} failed:`, error);
  }
  const activity = (results.activity[name] = { seconds: (Date.now() - before.at) / 1000, ...busyBetween(before, busyness()) });
  log(`section ${name} done in ${activity.seconds.toFixed(0)} s (other processes used ${pct(activity.others)} of the cores meanwhile)`);
}

await section("micro", () => runMicro({ rounds: rounds(15), log }));
await section("kv", () => runKv({ rounds: rounds(10), log, large: quick ? 100_000 : 1_000_000 }));
await section("e2e", () =>
  runE2E({
    // Many short paired rounds rather than a few long ones: this machine's throughput drifts by
    // ±15% from one window to the next for every route alike, and a median of per-round ratios
    // over more pairs resolves the ratio better in the same time.
    rounds: rounds(8),
    seconds: Number(env.BENCH_SECONDS ?? (quick ? 3 : 5)),
    warmup: quick ? 2 : 3,
    connections: 10,
    kv: env.BENCH_KV !== "0",
    log,
  }),
);
await section("load", () => runLoad({ log }));
await section("bundle", () => measureBundles({ log }));
if (!only.has("load")) {
  const last = lastLoad();
  if (last) results.sections.load = last;
}
results.wallSeconds = (Date.now() - started) / 1000;
results.activity.total = { seconds: results.wallSeconds, ...busyBetween(atStart, busyness()) };

// The raw figures first: a report that fails to render can be rendered again from them (BENCH_RENDER=1).
mkdirSync(join(HERE, ".results"), { recursive: true });
writeFileSync(join(HERE, ".results", "last.json"), JSON.stringify(results, null, 2));
const report = render(results, failures);
console.log(`\n${report}`);
if (complete(results) && Object.keys(failures).length === 0) {
  writeFileSync(join(ROOT, "BENCHMARKS.md"), report);
  log("wrote BENCHMARKS.md");
} else {
  const partial = join(HERE, ".results", "BENCHMARKS.partial.md");
  writeFileSync(partial, report);
  log(`partial run (sections: ${[...only].join(", ")}${Object.keys(failures).length ? `; failed: ${Object.keys(failures).join(", ")}` : ""}): wrote ${partial}, BENCHMARKS.md left alone`);
}
process.exitCode = Object.keys(failures).length ? 1 : 0;

/** A share of all cores, as a percentage. */
function pct(share) {
  return share === undefined ? "?" : `${(share * 100).toFixed(0)}%`;
}

/** Every section measured in this run, the load test included: what BENCHMARKS.md needs. */
function complete({ sections }) {
  return SECTIONS.every((name) => sections[name]) && sections.load.measuredInThisRun === true;
}

/** The whole report: header, targets, sections, analysis. */
function render({ machine: m, sections, wallSeconds, activity = {} }, failed) {
  const out = [];
  out.push(
    "# Benchmarks",
    "",
    "Generated by `npm run bench` (bench/run.mjs); do not edit by hand. Every comparison below was measured side by side in one run on one machine: " +
      "read the ratios, not the absolute figures, which move with the machine and whatever else it is running.",
    "",
    table(
      ["machine", ""],
      [
        ["CPU", `${m.cpu} (${m.cores} cores)`],
        ["memory", `${m.memoryGiB} GiB`],
        ["Node", m.node],
        ["OS", m.os],
        ["Redis", m.redis],
        ["date", m.date],
        ["bench wall time", `${wallSeconds.toFixed(0)} s`],
      ],
    ),
    "",
  );
  const measured = [...SECTIONS, "total"].filter((name) => activity[name]);
  if (measured.length) {
    out.push(
      "The machine was not reserved for the bench (other test runs may share it). Load averages (1 min) when each section started and ended, " +
        "and the share of all cores used by the bench's own processes and by everything else meanwhile (from /proc/stat and /proc/<pid>/stat):",
      "",
      table(
        ["section", "duration", "load average (1 min), start → end", "CPU: bench", "CPU: other processes"],
        measured.map((name) => {
          const a = activity[name];
          return [name, `${a.seconds.toFixed(0)} s`, `${a.load[0][0].toFixed(2)} → ${a.load[1][0].toFixed(2)}`, pct(a.bench), pct(a.others)];
        }),
      ),
      "",
    );
  }
  const targets = collectTargets(sections);
  out.push("## Targets (issues 6 and 12)", "", table(["target", "measured", "met?"], targets.map((t) => [t.target, t.measured, t.met])), "");
  out.push("## 1. Micro: one session read / write", "");
  out.push(sections.micro ? microMarkdown(sections.micro) : notMeasured("micro", failed), "");
  out.push("## 2. End to end: next start under autocannon", "");
  out.push(sections.e2e ? e2eMarkdown(sections.e2e).text : notMeasured("e2e", failed), "");
  if (sections.e2e?.profiles) out.push("### Where the server's CPU goes: /proxied and /ours profiled", "", profileReport(sections.e2e.profiles), "");
  out.push("## 3. KV / Redis: counted by Redis", "");
  out.push(sections.kv ? kvMarkdown(sections.kv) : notMeasured("kv", failed), "");
  out.push("## 4. Load: the issue 7 load test", "");
  out.push(sections.load ? loadMarkdown(sections.load) : notMeasured("load", failed), "");
  out.push("## 5. Edge middleware bundle", "");
  out.push(sections.bundle ? bundleMarkdown(sections.bundle) : notMeasured("bundle", failed), "");
  out.push("## Where targets are missed, and why", "", analysis(sections, targets), "");
  out.push(
    "## Method notes",
    "",
    "- Micro: sequential awaited calls in one process (no concurrency); calibration and warm-up batches precede the rounds. " +
      "Web Crypto calls (iron-session, Auth.js) are dispatched to libuv's thread pool, so their elapsed time includes the hand-off, " +
      "which is longer on an idle machine (threads wake from sleep) than on a busy one: compare them within one run only. " +
      "Our codec, the signed-id check and the id digest run on node:crypto, synchronously.",
    "- End to end: the bench app is bench/app (Next 16 App Router, Turbopack build, plain JS), importing the library as `next-session-kit` (self-reference to ../dist). " +
      "/plain is excluded from the proxy by its matcher; /proxied is matched and its proxy returns `NextResponse.next()`, which is also what the library's proxy returns " +
      "for a steady-state request (a valid session, no renewal due, nothing to write); /iron is iron-session 9's documented proxy pattern " +
      "(`getIronSession(nextProxyCookies(request, response))` + `save()` on every request, so the expiry rolls) plus `getIronSession(await cookies())` in the page; " +
      "/ours, /kv and /redis are `proxy()` + `await getSession()` with default options (renewal at most once an hour, so a steady visitor costs no seal and no write); " +
      "/kv and /redis each have their own `createSessions` (kvStore over @vercel/kv to the REST fixture; redisStore over ioredis to the same private redis-server); " +
      "/authjs is Auth.js v5 (next-auth 5.0.0-beta.32, JWT strategy, a Credentials provider) with its `auth` as the proxy and `await auth()` in the page, as its docs set it up, " +
      "its session cookie pre-minted with @auth/core/jwt `encode` (same secret and salt as the app); " +
      "/betterauth is better-auth 1.7.29 in its stateless mode (no `database`, so `getSession` reads no store: the session lives in its encrypted cookie cache, " +
      "`session.cookieCache: { enabled: true, maxAge: 7 days, strategy: \"jwe\", refreshCache: true }`, beside the signed `session_token`; `nextCookies()` plugin) " +
      "with its docs' optimistic proxy (`getSessionCookie`, redirect when absent, no validation) and `auth.api.getSession({ headers: await headers() })` in the page; " +
      "the payload's fields are user `additionalFields`, and its two cookies come from one sign-up through its own /api/auth/sign-up/email endpoint at the start " +
      "(the user record that writes goes to the memory adapter better-auth falls back to without a database; page reads touch only the cookies). Same page (bench/app/lib/view.jsx) and payload for every route.",
    "- KV: the private redis-server is test/support/redis.ts's `useRedis({ private: true })`, and @vercel/kv talks to test/support/upstash-rest.ts " +
      "(the Upstash REST fixture the tests use; in the end-to-end section in a child process, bench/upstash-rest-child.mjs); the TCP store is ioredis. " +
      "Stored-session filler for the 10^6 case is RESTOREd copies of a real session hash (same encoding and size, key names of the same length), without user indexes.",
    "- Load: run with `vitest run test/load/load.test.ts` from the repository root; its figures come from the test-results/load.json it writes.",
    "",
  );
  return out.join("\n");
}

function notMeasured(name, failed) {
  if (failed[name]) return `**Not measured: the section failed** (${String(failed[name]?.message ?? failed[name]).split("\n")[0]}).`;
  return "Not measured in this run (BENCH_ONLY).";
}

/** A shortfall as a percentage, with a decimal when it would otherwise round to 0%. */
function shortfall(fraction) {
  return `${(fraction * 100).toFixed(Math.abs(fraction) < 0.1 ? 1 : 0)}%`;
}

function yes(ok, short) {
  return ok ? "yes" : `**NO**: ${short}`;
}

function collectTargets({ micro, e2e, kv, bundle }) {
  const rows = [];
  if (micro) {
    for (const r of micro.ratios.filter((x) => x.target)) {
      rows.push({ id: r.label, target: `${r.label} >= ${r.target}x`, measured: fmtX(r.x), met: yes(r.x >= r.target, `${fmtX(r.x / r.target)} of the target`), ok: r.x >= r.target });
    }
    const t = micro.throttle;
    rows.push({
      id: "throttle-cookie",
      target: "throttled request, valid session (cookie store): zero seals, zero writes",
      measured: `${t.seals} seals, ${t.cookieWrites} cookie writes in ${t.requests} proxy+page requests`,
      met: yes(t.seals === 0 && t.cookieWrites === 0, "seals or writes happened"),
      ok: t.seals === 0 && t.cookieWrites === 0,
    });
  } else rows.push({ target: "micro targets", measured: "not measured", met: "-" });
  if (e2e) {
    for (const t of e2eMarkdown(e2e).targets) rows.push({ id: t.label, target: `${t.label} >= ${t.target}x`, measured: fmtX(t.x), met: yes(t.x >= t.target, `${shortfall(1 - t.x / t.target)} short`), ok: t.x >= t.target });
  } else rows.push({ target: "end-to-end targets", measured: "not measured", met: "-" });
  if (e2e?.routes.some((r) => r.id === "kv")) {
    const route = (id) => e2e.routes.find((r) => r.id === id);
    const due = e2e.renewalDue;
    for (const [id, read, renewal] of [["kv", route("kv").restPerRequest, due?.kv.perRequest], ["redis", route("redis").redisPerRequest, due?.redis.perRequest]]) {
      const ok = read <= 1.05 && renewal === 1;
      rows.push({
        target: `/${id} under next start: round trips per page request, counted by the store's server: 1 (read), 1 (renewal due)`,
        measured: `${read?.toFixed(2)} (read, median over the rounds), ${renewal?.toFixed(2)} (renewal due)`,
        met: yes(ok, "more than one"),
        ok,
      });
    }
    const action = e2e.actionSave;
    const ok = action?.kv.perRequest === 1 && action?.redis.perRequest === 1;
    rows.push({
      id: "action",
      target: "read + Server Action save, round trips per request (counting the save): 1",
      measured: action ? `${action.kv.perRequest.toFixed(2)} (kv), ${action.redis.perRequest.toFixed(2)} (redis)` : "not measured",
      met: action ? yes(ok, "the proxy's read and the save are one round trip each") : "-",
      ok: action ? ok : undefined,
    });
  }
  if (kv) {
    for (const store of ["redis", "kv"]) {
      const s = (name) => kv.scenarios.find((x) => x.store === store && x.scenario.startsWith(name));
      const trips = (x) => (store === "kv" ? x.http : x.roundTrips);
      const read = s("read, not due (proxy");
      const page = s("read (page");
      const due = s("read, renewal due");
      const save = s("save");
      const readOk = trips(read) === 1 && trips(page) === 1 && trips(due) === 1;
      rows.push({ target: `${store}: 1 round trip per read (renewal included)`, measured: `${trips(read)} (not due), ${trips(due)} (due), ${trips(page)} (page)`, met: yes(readOk, "more than one"), ok: readOk });
      rows.push({ target: `${store}: 1 round trip per save`, measured: String(trips(save)), met: yes(trips(save) === 1, "more than one"), ok: trips(save) === 1 });
      rows.push({ target: `${store}: 0 writes for an unchanged, not-yet-due request`, measured: `${read.writes + page.writes} write commands`, met: yes(read.writes + page.writes === 0, "writes happened"), ok: read.writes + page.writes === 0 });
    }
    const m = kv.memory;
    rows.push({ id: "memory", target: `Redis memory <= 300 bytes for a ${m.dataBytes}-byte session`, measured: `${m.hashBytes} B (session hash, MEMORY USAGE)`, met: yes(m.hashBytes <= 300, `${m.hashBytes - 300} B (${(((m.hashBytes - 300) / 300) * 100).toFixed(0)}%) over`), ok: m.hashBytes <= 300 });
    const [small, big] = kv.scale;
    const flat = big.us / small.us <= 1.15 && big.us / small.us >= 0.87;
    if (kv.kvScale) {
      const [kvSmall, kvBig] = kv.kvScale;
      const ratio = kvBig.us / kvSmall.us;
      const kvFlat = ratio <= 1.15 && ratio >= 0.87;
      rows.push({ id: "scale-kv", target: `kvStore: per-read cost flat from ${kvSmall.name} to ${kvBig.name} stored sessions (within ±15%)`, measured: `${fmtX(ratio)} (client), ${fmtX(kvBig.serverUs / kvSmall.serverUs)} (inside Redis)`, met: yes(kvFlat, "not flat"), ok: kvFlat });
    }
    rows.push({ id: "scale", target: `redisStore: per-read cost flat from ${small.name} to ${big.name} stored sessions (within ±15%)`, measured: `${fmtX(big.us / small.us)} (client), ${fmtX(big.serverUs / small.serverUs)} (inside Redis)`, met: yes(flat, "not flat"), ok: flat });
  } else rows.push({ target: "KV targets", measured: "not measured", met: "-" });
  if (bundle) {
    const size = (id) => bundle.rows.find((r) => r.id === id);
    const [ours, iron] = [size("ours-cookie"), size("iron")];
    const ok = ours.gzip <= iron.gzip && ours.bytes <= iron.bytes;
    rows.push({
      id: "bundle",
      target: "Edge middleware bundle: ours (cookie store) <= iron-session's",
      measured: `${ours.bytes} B vs ${iron.bytes} B minified, ${ours.gzip} B vs ${iron.gzip} B gzip`,
      met: yes(ok, `${fmtX(ours.gzip / iron.gzip)} of iron-session's (gzip)`),
      ok,
    });
  } else rows.push({ target: "bundle target", measured: "not measured", met: "-" });
  return rows;
}

/** Explanations for every missed target, with this run's numbers, then other observations. */
function analysis({ micro, e2e, kv, bundle }, targets) {
  const out = [];
  const missed = targets.filter((t) => t.ok === false);
  if (missed.length === 0) out.push("Every target measured in this run is met.", "");
  const byId = (id) => missed.find((t) => t.id === id);
  const microUs = (name) => micro?.rows.find((x) => x.name === name)?.us ?? micro?.anatomy.find((x) => x.name === name)?.us;
  const route = (id) => e2e?.routes.find((x) => x.id === id);

  if (e2e && (byId("/ours vs /plain (req/s)") || byId("/ours vs /iron (req/s)"))) {
    const [plain, proxied, ours, iron] = ["plain", "proxied", "ours", "iron"].map(route);
    const steps = Object.fromEntries(costSteps(e2e).map((step) => [step.id, step.ms]));
    // A step is resolved when it is positive and larger than the spread of /ours's own rounds.
    const resolved = steps.session > 0 && steps.session > (ours.cpuRange[1] - ours.cpuRange[0]) / 2;
    const parts = [
      `**End to end.** /ours reached ${fmtX(ours.vsPlain)} of /plain's requests/s (target 0.85x) and ${fmtX(ours.vsIron)} of /iron's (target 1.3x); ` +
        `from server CPU per request the same ratios are ${fmtX(1 / ours.cpuVsPlain)} and ${fmtX(1 / ours.cpuVsIron)}. ` +
        `Of /ours's ${ours.cpuMs.toFixed(2)} ms of server CPU per request, the page itself is ${steps.page.toFixed(2)} ms, ` +
        `Next running any proxy at all adds ${steps.proxy.toFixed(2)} ms (/proxied, whose proxy only returns \`NextResponse.next()\`, reaches ${fmtX(proxied.vsPlain)} of /plain's requests/s ` +
        `and ${fmtX(1 / proxied.cpuVsPlain)} from CPU by itself), and the session work (the proxy's open, the page's \`cookies()\` and open) adds ${steps.session.toFixed(2)} ms` +
        (resolved ? "." : ` — that is, nothing this run can tell from zero: /ours's CPU per request ranged ${ours.cpuRange.map((x) => x.toFixed(2)).join("–")} ms over the rounds, /proxied's ${proxied.cpuRange.map((x) => x.toFixed(2)).join("–")} ms.`),
    ];
    if (micro) {
      const engineMs = (2 * microUs("ours.readWarm")) / 1000;
      parts.push(
        `The engine's two reads per request (both verified-seal cache hits, ${fmtUs(microUs("ours.readWarm"))} µs each in the micro section) account for about ${engineMs.toFixed(2)} ms of it; ` +
          "the rest of the session step is what surrounds them in Next (parsing `request.cookies` in the proxy, `cookies()` in the render) and the adapters around the engine, which this bench does not separate.",
      );
    }
    const room = proxied.vsPlain - 0.85;
    parts.push(
      room < 0
        ? `A proxy that does nothing already falls short of the 0.85x target on its own (${fmtX(proxied.vsPlain)} of /plain in this run): no library that needs a proxy could have met it here.`
        : room <= 0.05
          ? `With a do-nothing proxy already at ${fmtX(proxied.vsPlain)} of /plain, the 0.85x target leaves essentially nothing for session work: it can be approached, not met.`
          : `A do-nothing proxy is at ${fmtX(proxied.vsPlain)} of /plain, which leaves ${(room * 100).toFixed(0)} points of /plain's throughput for everything the session adds.`,
      (resolved ? `The session work is ${((steps.session / ours.cpuMs) * 100).toFixed(0)}% of /ours's server CPU; ` : "") +
        `/ours vs /proxied, i.e. the session's own cost against the proxy it needs anyway, is ${fmtX(ours.rps / proxied.rps)} in requests/s and ${fmtX(proxied.cpuMs / ours.cpuMs)} from CPU.`,
    );
    if (byId("/ours vs /iron (req/s)")) {
      parts.push(
        `Against /iron, requests/s understate the difference that CPU shows (${fmtX(ours.vsIron)} vs ${fmtX(1 / ours.cpuVsIron)}): iron-session's Web Crypto calls run on libuv's thread pool, ` +
          "so on a 2-core machine part of their cost runs in parallel on the second core, which autocannon also needs; the main thread, which bounds requests/s, sees less of it. " +
          `/iron spends ${(iron.cpuMs - ours.cpuMs).toFixed(2)} ms more CPU per request than /ours.`,
      );
    }
    out.push(parts.join(" "), "");
  }

  if (byId("memory") && kv) {
    const m = kv.memory;
    const over = m.hashBytes - 300;
    out.push(
      `**Redis memory.** A ${m.dataBytes}-byte session takes ${m.hashBytes} bytes, ${over} (${((over / 300) * 100).toFixed(0)}%) over the 300-byte target. ` +
        `The data is ${m.dataBytes} bytes plus a \`d:\` prefix per key; the rest is fixed overhead: the key name (${m.keyLength} characters: prefix, hash tag, \`:s:\`, ` +
        `the ${m.digestLength}-character digest of the id) with Redis's per-key structures and expiry, the \`u\` field (the user id's ${m.digestLength}-character digest, ` +
        `read by the scripts to keep the per-user index right; without it the hash takes ${m.withoutU} bytes) and the c/s/e timestamps. ` +
        "What would bring it under 300 bytes changes what is stored: the c/s/e timestamps in seconds instead of milliseconds (each a 32-bit instead of a 64-bit listpack integer), " +
        "no `e` field (the key's own expiry holds the same instant), a shorter id digest in the key name. Instances of the previous version still serving during a rolling deploy " +
        "would misread sessions written that way and log their users out, so none of these is made for 4%: such a change needs a release that first reads both formats.",
      "",
    );
  }
  if (byId("scale") && kv) {
    const [small, big] = kv.scale;
    out.push(
      `**10^3 vs 10^6 stored sessions.** Measured ${fmtX(big.us / small.us)} per read on the client and ${fmtX(big.serverUs / small.serverUs)} inside Redis. ` +
        "Every read is one EVALSHA of the same script touching one hash by key (O(1) in the keyspace size), so a difference beyond the run's noise " +
        "would come from CPU caches: a 10^6-key keyspace no longer fits them. Compare the two rows' spread before drawing conclusions.",
      "",
    );
  }
  for (const t of missed.filter((x) => ["warm read vs unsealData", "cold read vs unsealData"].includes(x.id))) {
    out.push(
      `**${t.target}**: measured ${t.measured}. A warm read is the verified-seal cache hit (${fmtUs(microUs("cache.hit"))} µs: an LRU refresh, i.e. Map delete + re-insert keyed by the ` +
        "whole seal, serving the cached frozen value) plus the engine's open (record copies, timeout checks, flash lookup, several awaits).",
      "",
    );
  }
  if (byId("bundle") && bundle) {
    const size = (id) => bundle.rows.find((r) => r.id === id);
    const [ours, iron] = [size("ours-cookie"), size("iron")];
    out.push(
      `**Edge middleware bundle.** Ours (cookie store) is ${ours.bytes} B minified / ${ours.gzip} B gzip against iron-session's ${iron.bytes} B / ${iron.gzip} B. ` +
        `Of ours, ${ours.packages["next-session-kit"]} B (before minification, doc comments included) is the library itself, and ` +
        `${Object.entries(ours.packages).filter(([name]) => !["next-session-kit", "entry"].includes(name)).reduce((sum, [, bytes]) => sum + bytes, 0)} B its dependencies. ` +
        "Issue 12 took out (from 54560 B / 19439 B gzip in the report of commit 77db1e3) what the Edge runtime never needs: iron-session and iron-webcrypto (Iron seals go through the library's own Web Crypto codec, byte-compatible with iron-session 9 and tested both ways), " +
        "the `cookie` package (Next's cookie API serialises and parses instead), and the node:crypto codec (package.json's `#iron-codec` import resolves to a Web-Crypto-only module under `edge-light`). " +
        "The seal itself (codec, format checks, cache) is about 5 KB minified, against about 10 KB for iron-session with iron-webcrypto; the rest is what iron-session's middleware does not do: " +
        "configuration checks whose errors name the fix (the largest part), renewal, purge and timeouts, flash, chunking, the origin check, the handoff, telemetry, schema validation, " +
        "and the at-rest field cipher of server-side stores (the store is chosen at run time, so no bundler can drop it). Reaching iron-session's size would mean dropping features or the error messages, which is not done.",
      "",
    );
  }
  const authjs = byId("/ours vs /authjs (req/s)");
  if (authjs && e2e) {
    const [ours, auth] = ["ours", "authjs"].map(route);
    out.push(
      `**Ours vs Auth.js.** /ours reached ${fmtX(ours.vsAuthjs)} of /authjs's requests/s; from server CPU per request (${ours.cpuMs.toFixed(2)} vs ${auth.cpuMs.toFixed(2)} ms) the capacity ratio is ${fmtX(auth.cpuMs / ours.cpuMs)}. ` +
        "Both run Next's page and proxy, which neither library can make cheaper; on a 2-core machine shared by server, load generator and (Auth.js's Web Crypto) libuv threads, " +
        "requests/s understates the CPU difference.",
      "",
    );
  }
  const kvTarget = byId("/kv vs /plain (req/s)");
  if (kvTarget && e2e) {
    const r = route("kv");
    out.push(
      `**/kv vs /plain.** ${fmtX(r.vsPlain)} with ${r.restPerRequest?.toFixed(2)} REST round trips per page request: the one round trip left is an HTTP request from @vercel/kv ` +
        "(fetch, JSON, through Next's patched fetch) to the REST server, which runs on the same 2 cores with Redis and the load generator. /redis, the same store logic over ioredis (TCP), " +
        `reached ${fmtX(route("redis")?.vsPlain ?? Number.NaN)}: the gap is the client and its transport, not the store's work.`,
      "",
    );
  }
  const proxiedTarget = byId("/ours vs /proxied (req/s)");
  if (proxiedTarget && e2e?.profiles) {
    const ours = e2e.profiles.find((p) => p.route === "ours");
    const own = ours.owners.find((o) => o.owner === "next-session-kit")?.us ?? 0;
    const step = (route("ours").cpuMs - route("proxied").cpuMs) * 1000;
    out.push(
      `**/ours vs /proxied.** ${fmtX(route("ours").vsProxied)} (target 0.95x). /ours used ${step.toFixed(0)} µs more server CPU per request than /proxied in the rounds; ` +
        `the profile puts ${own.toFixed(0)} µs of /ours's CPU per request in next-session-kit's own functions, the rest of the session step in Next (cookies() in the render, ` +
        "its request-cookie parsing), Node and V8 (GC, microtasks). Taken out after the baseline profile: a JSON.parse per seal-cache hit (the cache now serves one deep-frozen value), " +
        "structuredClone for every `get` and `data` copy (a JSON copy), context activation around OpenTelemetry's no-op spans (three per request when the API is installed without an SDK), " +
        "a split of the whole cookie to read its password id, and an await per read for the timeout check. What is left of ours is spread over small functions (the engine's open twice, the cookie reads, the Session).",
      "",
    );
  }
  if (byId("action") && e2e?.actionSave) {
    const a = e2e.actionSave;
    out.push(
      `**Read + Server Action save.** ${a.kv.perRequest.toFixed(2)} round trips per request on kvStore, ${a.redis.perRequest.toFixed(2)} on redisStore. ` +
        (Math.round(a.kv.perRequest) === 2 && Math.round(a.redis.perRequest) === 2
          ? "The proxy's read (renewal check included) is one script call, handed over to the action (no second read), whose save is the other" +
            (a.kv.perRequest > 2 || a.redis.perRequest > 2 ? " (the fraction above 2: a few calls whose action read the store again instead of taking the handoff)" : "") +
            ". That is the floor for an action that reads before it writes, as this one (and nearly every real one) does: what it saves depends on what it read, so the read and the save " +
            "are two sequential round trips on any store. Skipping the proxy's read would only move the read into the action; serving the read from anything but the store " +
            "(a cache) would hide a revocation made elsewhere, which issue 12 rules out. One round trip in all is possible only for a save that reads nothing first."
          : "More than the proxy's read plus the save: the action (or a render after it) read the store again; see test/integration/handoff.test.ts for which requests take the proxy's read."),
      "",
    );
  }
  const handled = ["action", "/ours vs /proxied (req/s)", "memory", "scale", "bundle", "warm read vs unsealData", "cold read vs unsealData", "/ours vs /plain (req/s)", "/ours vs /iron (req/s)", "/ours vs /authjs (req/s)", "/kv vs /plain (req/s)"];
  for (const t of missed.filter((x) => !handled.includes(x.id))) {
    out.push(`**${t.target}**: measured ${t.measured}. See the section above.`, "");
  }

  if (e2e) {
    // A median on the right side of a target says little when single rounds land on both sides.
    for (const t of e2eMarkdown(e2e).targets) {
      if (!t.rounds) continue;
      const below = t.rounds.filter((x) => x < t.target).length;
      const other = t.x >= t.target ? below : t.rounds.length - below; // rounds on the other side of the target from the median
      if (other === 0) continue;
      const split = Math.min(below, t.rounds.length - below) >= Math.max(2, t.rounds.length / 4);
      out.push(
        `**${t.label}: ${split ? "within this run's noise" : "not every round agrees"}.** The median, ${fmtX(t.x)}, is ${t.x >= t.target ? "at or above" : "below"} the ${t.target}x target; ` +
          `${other} of ${t.rounds.length} rounds ${t.x >= t.target ? "were below it" : "reached it"} (per round: ${t.rounds.map(fmtX).join(", ")})` +
          (split ? `: ${t.x >= t.target ? "met" : "missed"} by the median, not by a margin this machine resolves.` : ": single rounds on this machine swing this far; the median is the figure to read.") +
          (t.label.includes("/plain") && route("proxied")
            ? ` For scale: /proxied, whose proxy does nothing, reached ${fmtX(route("proxied").vsPlain)} of /plain (per round: ${route("proxied").vsPlainRounds.map(fmtX).join(", ")}).`
            : ""),
        "",
      );
    }
  }

  const notes = [];
  if (micro) {
    const verify = microUs("id.verify");
    const hash = microUs("id.hash");
    let note =
      `- Server-side stores (kvStore, redisStore) verify the cookie's signed id (HMAC-SHA256, ${fmtUs(verify)} µs) and digest the id (keyed HMAC-SHA256, ${fmtUs(hash)} µs) on every read, ` +
      `both on node:crypto: ${fmtUs(verify + hash)} µs per read, twice per request (proxy and page).`;
    const control = microUs("hmac.keyObject");
    if (control !== undefined) {
      note +=
        verify > 3 * control
          ? ` The same HMAC on a key object made once (\`createSecretKey\`) took ${fmtUs(control)} µs: most of the ${fmtUs(verify - control)} µs difference is \`createHmac\` turning ` +
            "raw key bytes into a key object on every call (src/codec/digest.ts); the rest is decoding the MAC from base64url and comparing it."
          : ` The bare HMAC on a key object made once (the control row) took ${fmtUs(control)} µs; the other ${fmtUs(Math.max(0, verify - control))} µs of the check are ` +
            "splitting the token, decoding the MAC from base64url, comparing it and the async call.";
    }
    if (kv) {
      const [small] = kv.scale;
      note += ` A whole not-yet-due read over ioredis took ${fmtUs(small.us)} µs on the client in section 3: `;
      note +=
        kv.bareUs === undefined
          ? `${fmtUs(small.serverUs)} µs of it inside Redis (the EVALSHA), the rest the loopback round trip, ioredis and the engine.`
          : `a bare round trip on the same connection takes ${fmtUs(kv.bareUs)} µs, the script runs ${fmtUs(small.serverUs)} µs inside Redis and the id check and digest ${fmtUs(verify + hash)} µs, ` +
            `which leaves about ${fmtUs(Math.max(0, small.us - kv.bareUs - small.serverUs - verify - hash))} µs for the engine, the store's deadline timer and ioredis's handling of the longer reply.`;
    }
    notes.push(note);
  }
  if (route("kv")) {
    const kvRoute = route("kv");
    notes.push(
      kvRoute.restPerRequest >= 1.5
        ? `- /kv makes ${kvRoute.restPerRequest.toFixed(2)} REST round trips per page request: getSession() does not reuse the record the proxy just loaded (they run in separate contexts), ` +
            "so the steady state costs two EVALSHA calls (each one round trip, as the targets require) instead of one. In the page, @vercel/kv's fetch also goes through Next's patched fetch."
        : `- /kv makes ${kvRoute.restPerRequest?.toFixed(2)} REST round trips per page request.`,
    );
  }
  if (notes.length) out.push("**Other observations** (no target attached):", "", ...notes, "");
  return out.join("\n");
}
