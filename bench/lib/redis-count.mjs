// What the bench counts on top of test/support/redis.ts (whose private server and commandStats()
// it uses): MONITOR, which tells client commands (round trips) from the commands a Lua script
// runs (source "lua"), the write commands in a commandStats() delta, and the time Redis spent
// in one command (INFO commandstats `usec`, which commandStats() leaves out).
import { Redis } from "ioredis";

/** Commands that change data (what "zero writes" is checked against). */
export const WRITE_COMMANDS = new Set([
  "set", "setex", "psetex", "setnx", "getset", "getdel", "getex", "del", "unlink", "expire", "pexpire", "expireat", "pexpireat", "persist",
  "hset", "hsetnx", "hmset", "hdel", "hincrby", "hincrbyfloat", "zadd", "zrem", "zremrangebyscore", "zremrangebyrank", "zincrby",
  "sadd", "srem", "lpush", "rpush", "lpop", "rpop", "incr", "incrby", "decr", "append", "rename", "copy", "restore",
]);

/** Commands the harness itself sends (snapshots, markers, probes): never counted. */
const HARNESS = new Set(["info", "echo", "ping", "monitor", "client|setname", "client|info", "select", "memory|usage", "dbsize"]);

/** Calls per command between two commandStats() snapshots, harness commands left out. */
export function statsDelta(before, after) {
  const delta = {};
  for (const [name, calls] of Object.entries(after)) {
    if (!HARNESS.has(name) && calls > (before[name] ?? 0)) delta[name] = calls - (before[name] ?? 0);
  }
  return delta;
}

/** `{ calls, usec }` of one command since the server started (`usec`: time spent inside Redis). */
export async function commandTime(admin, name) {
  const match = new RegExp(`^cmdstat_${name}:calls=(\\d+),usec=(\\d+)`, "m").exec(await admin.info("commandstats"));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}

/**
 * A MONITOR stream on its own connection. `count(fn)` runs `fn` and returns the commands Redis
 * received meanwhile, split into client commands (round trips; `admin`'s own and any INFO are
 * left out) and script commands (source "lua"). An ECHO marker sent on `admin` closes the window,
 * so nothing still in flight is missed.
 */
export async function monitor(url, admin) {
  const connection = new Redis(url, { connectionName: "nsk-bench-monitor" });
  const stream = await connection.monitor();
  await admin.ping(); // connected, so its local port is known
  const adminSource = `127.0.0.1:${admin.stream.localPort}`;
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
        const name = args[0]?.toLowerCase();
        if (source === adminSource) {
          if (name === "echo" && args[1] === tag) seen();
        } else if (source === "lua") script.push(name);
        else if (name !== "info") client.push(name);
      };
      const result = await fn();
      await admin.echo(tag);
      await done;
      sink = undefined;
      return { client, script, result };
    },
    /** Ends MONITOR (idempotent): while it runs, Redis copies every command to it, which slows Redis down. */
    close() {
      stream.disconnect();
      connection.disconnect();
    },
  };
}
