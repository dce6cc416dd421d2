// Timing and statistics helpers shared by the sections.
import os from "node:os";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const nowNs = () => process.hrtime.bigint();

/**
 * Runs `op(state, i)` for i in [0, n) sequentially (awaiting each) and returns µs per op.
 * `prepare(n)` builds the state outside the timed region (e.g. n fresh seals).
 */
export async function timeOps(bench, n, cpu) {
  const state = bench.prepare ? await bench.prepare(n) : undefined;
  const cpu0 = process.cpuUsage();
  const start = nowNs();
  for (let i = 0; i < n; i++) await bench.op(state, i);
  const ns = Number(nowNs() - start);
  if (cpu) {
    const used = process.cpuUsage(cpu0);
    cpu.us = (used.user + used.system) / n;
  }
  return ns / 1000 / n;
}

/**
 * Side-by-side micro benchmarks: a calibration + warm-up pass per bench, then `rounds` rounds in
 * which every bench runs once (order rotated each round, so drift hits all of them alike).
 * @param {Array<{name: string, prepare?: (n: number) => unknown, op: (state: unknown, i: number) => unknown}>} benches
 * @returns {Promise<Map<string, {median: number, rounds: number[], n: number}>>}
 */
export async function runRounds(benches, { rounds = 5, roundMs = 300, log = () => {} } = {}) {
  const sizes = new Map();
  for (const bench of benches) {
    // Calibrate on a small batch, then warm up with a full-size one (JIT, caches, pools).
    let n = 16;
    let us = await timeOps(bench, n);
    while (us * n < 30_000 && n < 1 << 20) {
      n *= 4;
      us = await timeOps(bench, n);
    }
    // Size from the fastest of a few warm-up batches: a batch hit by a pause elsewhere on the
    // machine must not shrink every later round to a handful of calls.
    let best = us;
    for (let i = 0; i < 3; i++) best = Math.min(best, await timeOps(bench, Math.max(n, Math.round((roundMs * 500) / best))));
    const size = Math.max(20, Math.min(200_000, Math.round((roundMs * 1000) / best)));
    sizes.set(bench.name, size);
    log(`  calibrated ${bench.name}: ${size} ops/round (~${best.toFixed(1)} µs/op)`);
  }
  const results = new Map(benches.map((bench) => [bench.name, { wall: [], cpu: [] }]));
  for (let round = 0; round < rounds; round++) {
    const order = benches.map((_, i) => benches[(i + round) % benches.length]);
    for (const bench of order) {
      globalThis.gc?.();
      const cpu = {};
      const result = results.get(bench.name);
      result.wall.push(await timeOps(bench, sizes.get(bench.name), cpu));
      result.cpu.push(cpu.us);
    }
    if ((round + 1) % 5 === 0 || round + 1 === rounds) log(`  round ${round + 1}/${rounds} done`);
  }
  return new Map(
    [...results].map(([name, { wall, cpu }]) => [name, { median: median(wall), rounds: wall, cpuMedian: median(cpu), cpuRounds: cpu, n: sizes.get(name) }]),
  );
}

/** CPU model, cores, memory, Node version, OS, date: the header of every report. */
export function machine() {
  const cpus = os.cpus();
  let redis = "";
  try {
    redis = execFileSync("redis-server", ["--version"], { encoding: "utf8" }).trim().match(/v=(\S+)/)?.[1] ?? "";
  } catch {
    redis = "not found";
  }
  return {
    cpu: cpus[0]?.model?.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    redis,
  };
}

/** A plain-text table (also valid Markdown). */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell ?? "")));
  const widths = headers.map((_, c) => Math.max(3, ...cells.map((row) => row[c].length)));
  const line = (row) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(" | ")} |`;
  return [line(cells[0]), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join("\n");
}

export const fmtUs = (us) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
export const fmtX = (x) => (x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`);

/**
 * A snapshot of how busy the machine is: load averages (1, 5, 15 min) and, on Linux, the CPU
 * time (USER_HZ ticks) the whole machine and this process's own tree (itself, its children and
 * their reaped children) have used so far. Two snapshots give what everything else used between.
 */
export function busyness() {
  const snapshot = { at: Date.now(), load: os.loadavg() };
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    snapshot.busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]; // user nice system irq softirq steal
    const procs = new Map();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
        procs.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
      } catch {
        // gone meanwhile
      }
    }
    const mine = (pid) => {
      for (let p = pid; p > 1; p = procs.get(p)?.ppid ?? 0) if (p === process.pid) return true;
      return false;
    };
    snapshot.mine = [...procs].reduce((sum, [pid, { ticks }]) => sum + (mine(pid) ? ticks : 0), 0);
  } catch {
    // no /proc: load averages only
  }
  return snapshot;
}

/** Between two busyness() snapshots: the share of all cores used by the bench and by everything else. */
export function busyBetween(a, b) {
  if (a.busy === undefined || b.busy === undefined) return { load: [a.load, b.load] };
  const capacity = ((b.at - a.at) / 1000) * 100 * os.cpus().length; // ticks the cores had
  const bench = (b.mine - a.mine) / capacity;
  return { load: [a.load, b.load], bench, others: Math.max(0, (b.busy - a.busy) / capacity - bench) };
}
