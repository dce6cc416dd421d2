// A PRIVATE redis-server for the bench (plain-JS counterpart of test/support/redis.ts with
// `private: true`): its own process on a free loopback port, no persistence, killed on exit.
// Counting helpers: INFO commandstats deltas (every command Redis executed, including those a
// Lua script called) and MONITOR (which tells client commands, i.e. round trips, from script
// commands: a script's own calls show up with source "lua").
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const live = new Set();
let hooked = false;
function killOnExit(child, dir) {
  live.add({ child, dir });
  if (hooked) return;
  hooked = true;
  process.once("exit", () => {
    for (const { child: c, dir: d } of live) {
      c.kill("SIGKILL");
      rmSync(d, { recursive: true, force: true });
    }
  });
}

/** Starts redis-server; resolves once it answers PING. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "nsk-bench-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "no", "--logfile", "redis.log", "--databases", "4"];
  const child = spawn("redis-server", args, { cwd: dir, stdio: "ignore" });
  const entry = { child, dir };
  killOnExit(child, dir);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let spawnError;
  child.once("error", (error) => (spawnError = error));
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { lazyConnect: true, connectionName: "nsk-bench-admin", maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  admin.on("error", () => {});
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (spawnError) throw new Error(`redis-server could not start: ${spawnError.message} (is it on PATH?)`);
    try {
      if (admin.status === "wait") await admin.connect();
      if ((await admin.ping()) === "PONG") break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
    await sleep(50);
  }
  const version = (await admin.info("server")).match(/redis_version:(\S+)/)?.[1] ?? "?";
  return {
    url,
    port,
    version,
    admin,
    /** `{ evalsha: 12, hset: 3, ... }`: calls per command since the server started. */
    async commandStats() {
      return parseCommandStats(await admin.info("commandstats"));
    },
    async stop() {
      admin.disconnect(false);
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      child.kill("SIGKILL");
      live.delete(entry);
      for (const e of live) if (e.child === child) live.delete(e);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `cmdstat_<name>:calls=<n>,usec=<u>,...` lines -> { name: {calls, usec} }. */
export function parseCommandStats(info) {
  const stats = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match) stats[match[1].toLowerCase()] = { calls: Number(match[2]), usec: Number(match[3]) };
  }
  return stats;
}

/** What ran between two commandStats() snapshots (harness commands excluded). */
export function statsDelta(before, after, ignore = ["info", "echo", "ping", "monitor", "client|setname", "client|info", "select", "memory|usage", "dbsize"]) {
  const delta = {};
  for (const [name, { calls, usec }] of Object.entries(after)) {
    if (ignore.includes(name)) continue;
    const prior = before[name] ?? { calls: 0, usec: 0 };
    if (calls > prior.calls) delta[name] = { calls: calls - prior.calls, usec: usec - prior.usec };
  }
  return delta;
}

/** Commands that change data (what "zero writes" is checked against). */
export const WRITE_COMMANDS = new Set([
  "set", "setex", "psetex", "setnx", "getset", "getdel", "getex", "del", "unlink", "expire", "pexpire", "expireat", "pexpireat", "persist",
  "hset", "hsetnx", "hmset", "hdel", "hincrby", "hincrbyfloat", "zadd", "zrem", "zremrangebyscore", "zremrangebyrank", "zincrby",
  "sadd", "srem", "lpush", "rpush", "lpop", "rpop", "incr", "incrby", "decr", "append", "rename", "copy", "restore",
]);

/**
 * A MONITOR stream on its own connection. `count(fn)` runs `fn` and returns the commands Redis
 * received meanwhile, split into client commands (round trips from clients other than the admin
 * and monitor connections) and script commands (source "lua"). An ECHO marker from the admin
 * connection closes the window, so nothing still in flight is missed.
 */
export async function monitor(server) {
  const connection = new Redis(server.url, { connectionName: "nsk-bench-monitor" });
  const stream = await connection.monitor();
  const adminPort = `127.0.0.1:${server.admin.stream.localPort}`;
  let sink;
  stream.on("monitor", (_time, args, source) => sink?.(args, source));
  let marker = 0;
  return {
    async count(fn) {
      const client = [];
      const script = [];
      const tag = `nsk-bench-mark-${++marker}`;
      let seen;
      const done = new Promise((resolve) => (seen = resolve));
      sink = (args, source) => {
        if (source === adminPort) {
          if (args[0]?.toLowerCase() === "echo" && args[1] === tag) seen();
          return;
        }
        (source === "lua" ? script : client).push(args[0].toLowerCase());
      };
      const result = await fn();
      await server.admin.echo(tag);
      await done;
      sink = undefined;
      return { client, script, result };
    },
    close() {
      stream.disconnect();
      connection.disconnect();
    },
  };
}
