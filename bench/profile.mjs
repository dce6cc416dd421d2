// Where the server's CPU goes (issue 12 item 2): `next start` of the built bench app under
// `node --cpu-prof`, loaded by autocannon on one route, then the profile's self time per function,
// mapped through the build's source maps to the original file and attributed to next-session-kit,
// Next, React, a dependency, Node or V8. Run by e2e.mjs after its rounds (same build), or alone:
//   node bench/profile.mjs [route ...]    (builds bench/app first; default routes: proxied ours)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { table } from "./lib/measure.mjs";

/**
 * Which part of the stack a function belongs to, from the file V8 ran (`generated`) and, for the
 * app's chunks, the original source its source map names (Turbopack bundles next-session-kit,
 * Next's client pieces and other packages into the same chunks).
 */
function owner(generated, source) {
  if (!generated) return "V8 (builtins, GC)";
  if (generated.startsWith("node:")) return "Node";
  const react = /react|\[externals\]_react/;
  const pkg = (path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (!generated.includes("/.next/")) {
    const name = pkg(generated);
    if (name === "next") return react.test(generated) ? "React" : "Next";
    return name ?? "other";
  }
  if (source.includes("node_modules/next/") || /\[(next|turbopack)\]/.test(source)) return react.test(source) ? "React" : "Next";
  const name = pkg(source);
  if (name) return react.test(name) ? "React" : `${name} (bundled into the app's chunks)`;
  if (source.includes("bench/app")) return "bench app";
  return /(^|\/)(src|dist)\//.test(source) ? "next-session-kit" : "other";
}

/** Source maps of the files a profile ran, loaded once each (the build writes `<file>.map`). */
function sourceMaps() {
  const maps = new Map();
  return (url) => {
    if (!maps.has(url)) {
      let map;
      try {
        const file = fileURLToPath(url);
        if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
      } catch {
        map = undefined;
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
}

/** A Turbopack source name (`turbopack:///[project]/dist/engine.js`) as a repository path. */
const cleanSource = (source) => source.replace(/^turbopack:\/\/\/\[project\]\//, "").replace(/^file:\/\//, "").replace(/^.*?\/(node_modules|dist|bench)\//, "$1/");

/**
 * Self time per function of one .cpuprofile, `(idle)` and `(program)` left out.
 * @returns {{ totalMs: number, functions: Array<{ name: string, where: string, owner: string, ms: number }> }}
 */
export function summarise(profile) {
  const mapOf = sourceMaps();
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (!us || functionName === "(idle)" || functionName === "(program)" || functionName === "(root)") continue;
    const generated = url.startsWith("file:") ? fileURLToPath(url) : url;
    let source = generated;
    let line = lineNumber + 1;
    const map = url.startsWith("file:") ? mapOf(url) : undefined;
    const entry = map?.findEntry(lineNumber, columnNumber);
    if (entry?.originalSource) {
      source = decodeURIComponent(entry.originalSource);
      line = entry.originalLineNumber ?? entry.originalLine + 1;
    }
    const where = source ? `${cleanSource(source)}:${line}` : "";
    const key = `${functionName}@${where}`;
    const row = byFunction.get(key) ?? { name: functionName || "(anonymous)", where, owner: owner(generated, source), ms: 0 };
    row.ms += us / 1000;
    byFunction.set(key, row);
  }
  const functions = [...byFunction.values()].sort((a, b) => b.ms - a.ms);
  return { totalMs: functions.reduce((sum, f) => sum + f.ms, 0), functions };
}

/** The V8 inspector of a process started with `--inspect=127.0.0.1:0`: `send(method, params)` over its WebSocket. */
async function inspector(output) {
  const url = output().match(/Debugger listening on (ws:\/\/\S+)/)?.[1];
  if (!url) throw new Error(`no inspector URL in the server's output:\n${output()}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  const pending = new Map();
  let id = 0;
  socket.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        pending.set(++id, (message) => (message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result)));
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/**
 * Profiles `route` on a fresh `next start` (from e2e.mjs's helpers): `warmup` s of load, then a
 * CPU profile (V8's sampler through the inspector, every 100 µs) of exactly `seconds` s of load,
 * so start-up and warm-up (module loading, JIT) stay out of it. The sampler counts wall time
 * (a sample taken while the machine runs something else lands on whatever was on the stack), so
 * each function's share of the samples is scaled to the server's CPU time per request (/proc),
 * which other load on the machine disturbs much less, measured on the same server in a run of
 * `seconds` without the profiler (whose own overhead inflates everything) just before.
 */
export async function profileRoute({ route, cookie, env, seconds, warmup, connections, startServer, load, log, save }) {
  const server = await startServer(env, log, ["--inspect=127.0.0.1:0"]);
  let run;
  let profile;
  let cpuSeconds;
  let cpuUs;
  try {
    await load(`${server.url}/${route}`, cookie, warmup, connections);
    const unprofiled0 = server.cpu();
    const unprofiled = await load(`${server.url}/${route}`, cookie, seconds, connections);
    cpuUs = ((server.cpu() - unprofiled0) * 1e6) / unprofiled.requests.total;
    const devtools = await inspector(server.output);
    try {
      await devtools.send("Profiler.enable");
      await devtools.send("Profiler.setSamplingInterval", { interval: 100 });
      await devtools.send("Profiler.start");
      const cpu0 = server.cpu();
      run = await load(`${server.url}/${route}`, cookie, seconds, connections);
      cpuSeconds = server.cpu() - cpu0;
      ({ profile } = await devtools.send("Profiler.stop"));
    } finally {
      devtools.close();
    }
  } finally {
    await server.stop();
  }
  if (save) writeFileSync(save(route), JSON.stringify(profile));
  const summary = summarise(profile);
  const requests = run.requests.total;
  const profiledUs = (cpuSeconds * 1e6) / requests;
  // Sampled ms -> CPU µs per request.
  const scale = cpuUs / summary.totalMs;
  log(`  profiled /${route}: ${requests} requests, ${summary.totalMs.toFixed(0)} ms of samples; CPU/req ${cpuUs.toFixed(0)} µs, ${profiledUs.toFixed(0)} µs under the profiler`);
  return {
    route,
    requests,
    cpuUs,
    profiledUs,
    owners: totals(summary.functions, scale),
    top: summary.functions.slice(0, 40).map((f) => ({ ...f, us: f.ms * scale })),
  };
}

/** Self time per owner, µs per request (`scale`: sampled ms -> µs per request). */
function totals(functions, scale) {
  const sums = new Map();
  for (const f of functions) sums.set(f.owner, (sums.get(f.owner) ?? 0) + f.ms);
  return [...sums].map(([name, ms]) => ({ owner: name, us: ms * scale })).sort((a, b) => b.us - a.us);
}

/** Markdown for the profiles of one run: totals per owner side by side, then the top functions. */
export function profileMarkdown(profiles, { limit = 12 } = {}) {
  const out = [];
  const owners = [...new Set(profiles.flatMap((p) => p.owners.map((o) => o.owner)))];
  const us = (p, name) => p.owners.find((o) => o.owner === name)?.us ?? 0;
  out.push(
    table(
      ["self time, µs CPU per request", ...profiles.map((p) => `/${p.route}`), ...(profiles.length === 2 ? ["difference"] : [])],
      [
        ...owners.map((name) => [name, ...profiles.map((p) => us(p, name).toFixed(0)), ...(profiles.length === 2 ? [(us(profiles[1], name) - us(profiles[0], name)).toFixed(0)] : [])]),
        ["server CPU (all of the above)", ...profiles.map((p) => p.cpuUs.toFixed(0)), ...(profiles.length === 2 ? [(profiles[1].cpuUs - profiles[0].cpuUs).toFixed(0)] : [])],
      ],
    ),
  );
  for (const p of profiles) {
    const ours = p.top.filter((f) => f.owner === "next-session-kit");
    out.push("", `Top self-time functions on /${p.route} (${p.requests} requests):`, "");
    out.push(table(["function", "original source", "owner", "µs/req"], p.top.slice(0, limit).map((f) => [f.name, f.where, f.owner, f.us.toFixed(1)])));
    if (ours.length) {
      out.push("", `next-session-kit's own functions among the top 40 on /${p.route}: ${ours.map((f) => `\`${f.name}\` (${f.where}) ${f.us.toFixed(1)} µs`).join(", ")}.`);
    }
  }
  return out.join("\n");
}

/** The profile subsection of the report: the committed baseline (code before the changes), then this run's. */
export function profileReport(profiles, baseline = readBaseline()) {
  const ours = (set) => set.find((p) => p.route === "ours");
  const share = (p) => p.owners.find((o) => o.owner === "next-session-kit")?.us ?? 0;
  const out = [
    "`next start` of the same build under `--inspect`; per route, a fresh server, load for warm-up, one run without the profiler (its server CPU per request is the scale), " +
      "then one run of the same length under V8's sampling profiler (100 µs, through the inspector, so start-up and warm-up stay out). " +
      "Self time per function is mapped through the build's source maps to the original file, attributed to next-session-kit (src/, dist/), Next (its runtime and " +
      "compiled React), Node (`node:` internals), V8 (builtins such as JSON.parse, GC, microtasks) or a package, and shown as its share of the samples times the unprofiled CPU per request. " +
      "Sampling shares are approximate (a few % of the samples land on the wrong frame on a busy machine); read the owner totals, and the top functions for what to look at.",
    "",
  ];
  if (baseline) {
    out.push(
      `**Before** (commit ${baseline.commit}, the code before issue 12 item 2's changes: \`node bench/profile.mjs --baseline\`, ${baseline.date}; committed as bench/profile-baseline.json). ` +
        `next-session-kit's own code: ${share(ours(baseline.profiles)).toFixed(0)} µs of /ours's ${ours(baseline.profiles).cpuUs.toFixed(0)} µs CPU per request.`,
      "",
      profileMarkdown(baseline.profiles, { limit: 10 }),
      "",
    );
  }
  out.push(
    `**This run** (final code). next-session-kit's own code: ${share(ours(profiles)).toFixed(0)} µs of /ours's ${ours(profiles).cpuUs.toFixed(0)} µs CPU per request.`,
    "",
    profileMarkdown(profiles, { limit: 10 }),
  );
  return out.join("\n");
}

/** The committed profile of the code before issue 12 item 2's changes, rendered next to each run's. */
export const BASELINE = new URL("./profile-baseline.json", import.meta.url);

export function readBaseline() {
  return existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, "utf8")) : undefined;
}

// Alone: `node bench/profile.mjs [--baseline] [route ...]`; --baseline writes bench/profile-baseline.json
// (with the commit it was measured at: HEAD, or BENCH_BASELINE_COMMIT when the profiled sources are
// another commit's), to be committed when the code it profiles changes.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { execFileSync } = await import("node:child_process");
  const { buildApp, startServer, load } = await import("./e2e.mjs");
  const { buildEngine, mintCookie, PASSWORD, payload } = await import("./lib/engine.mjs");
  const log = (message) => console.log(message);
  const args = process.argv.slice(2);
  const baseline = args.includes("--baseline");
  const routes = args.filter((arg) => !arg.startsWith("--"));
  if (process.env.BENCH_NO_BUILD !== "1") buildApp(log);
  const cookie = `session=${await mintCookie(buildEngine({ password: PASSWORD, cookie: { name: "session" } }), payload(), "session")}`;
  const profiles = [];
  const dir = new URL("./.results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const save = (route) => new URL(`${route}.cpuprofile`, dir);
  for (const route of routes.length ? routes : ["proxied", "ours"]) {
    profiles.push(await profileRoute({ route, cookie, env: {}, seconds: Number(process.env.BENCH_SECONDS ?? 8), warmup: 3, connections: 10, startServer, load, log, save }));
  }
  console.log(profileMarkdown(profiles, { limit: 25 }));
  if (baseline) {
    const commit = process.env.BENCH_BASELINE_COMMIT ?? execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    writeFileSync(BASELINE, `${JSON.stringify({ commit, date: new Date().toISOString(), profiles }, null, 2)}\n`);
    log(`wrote ${fileURLToPath(BASELINE)}`);
  }
}
