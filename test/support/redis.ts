/**
 * Test fixture for talking to a REAL Redis.
 *
 * `useRedis()` hands out an isolated key prefix on a shared server (REDIS_URL or a local
 * 127.0.0.1:6379) when one is available, and otherwise — or whenever the test asks for
 * `private: true` — starts its own `redis-server` child process on a free port so outage tests
 * can stop and start it without disturbing anybody else.
 *
 * Caveat: `commandStats()` reads server-wide counters. On a shared server other test files
 * running in parallel also issue commands, so exact-delta assertions need `private: true`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

export type TestRedis = {
  /** `redis://host:port` (or REDIS_URL verbatim) — hand this to the client under test. */
  url: string;
  host: string;
  port: number;
  /** Unique per `useRedis()` call; every key a test writes must start with it. */
  prefix: string;
  /** Closes the admin connection; for a private server also kills it and removes its dir. */
  stop(): Promise<void>;
  /** Private servers only: `kill()` then `start()`. */
  restart?(): Promise<void>;
  /** Private servers only: stop the process (SIGTERM) and wait until it has exited. */
  kill?(): Promise<void>;
  /** Private servers only: start again on the same port and dir, resolve once it answers PING. */
  start?(): Promise<void>;
  /** Deletes only the keys under `prefix` (SCAN + UNLINK; never FLUSHDB). */
  cleanup(): Promise<void>;
  /** `INFO commandstats` as `{ get: 12, "client|setname": 1, … }` (calls per command). */
  commandStats(): Promise<Record<string, number>>;
};

export type UseRedisOptions = {
  /** Always start a dedicated redis-server child process. */
  private?: boolean;
  /** AOF with fsync on every write, so data survives kill()/start(). Implies `private`. */
  persistence?: boolean;
};

const LOCAL_HOST = "127.0.0.1";
const LOCAL_PORT = 6379;
const PING_TIMEOUT_MS = 500;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const SCAN_BATCH = 500;

/** Resolves the server to use (see module doc) and returns a fixture bound to a fresh prefix. */
export async function useRedis(options: UseRedisOptions = {}): Promise<TestRedis> {
  const wantsPrivate = options.private === true || options.persistence === true;
  if (!wantsPrivate) {
    const envUrl = process.env.REDIS_URL;
    if (envUrl) return sharedFixture(envUrl);
    if (await answersPing(LOCAL_HOST, LOCAL_PORT, PING_TIMEOUT_MS)) {
      return sharedFixture(`redis://${LOCAL_HOST}:${LOCAL_PORT}`);
    }
  }
  return privateFixture(options.persistence === true);
}

/** A prefix no other test (or other process) can collide with. */
function makePrefix(): string {
  return `nsk-test:${process.pid}-${randomBytes(6).toString("hex")}:`;
}

/** Fixture for a server somebody else owns: we only ever close our own connection. */
function sharedFixture(url: string): TestRedis {
  const { host, port } = hostAndPort(url);
  const admin = adminConnection(url);
  const prefix = makePrefix();
  return {
    url,
    host,
    port,
    prefix,
    stop: async () => closeConnection(admin),
    cleanup: () => deleteByPrefix(admin, prefix),
    commandStats: () => readCommandStats(admin),
  };
}

/** Fixture that owns a redis-server process, including stop/start for outage tests. */
async function privateFixture(persistence: boolean): Promise<TestRedis> {
  const server = await startPrivateServer(persistence);
  const url = `redis://${LOCAL_HOST}:${server.port}`;
  const admin = adminConnection(url);
  const prefix = makePrefix();
  return {
    url,
    host: LOCAL_HOST,
    port: server.port,
    prefix,
    stop: async () => {
      closeConnection(admin);
      await server.destroy();
    },
    kill: () => server.kill(),
    start: () => server.start(),
    restart: async () => {
      await server.kill();
      await server.start();
    },
    cleanup: () => deleteByPrefix(admin, prefix),
    commandStats: () => readCommandStats(admin),
  };
}

/** freePort() can lose a race with another process; a couple of fresh ports fixes that. */
async function startPrivateServer(persistence: boolean): Promise<PrivateRedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = new PrivateRedisServer(await freePort(), persistence);
    try {
      await server.start();
      return server;
    } catch (error) {
      lastError = error;
      await server.destroy();
    }
  }
  throw lastError;
}

/** Splits a redis:// URL into the host/port the fixture reports. */
function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || LOCAL_HOST, port: parsed.port ? Number(parsed.port) : LOCAL_PORT };
}

/**
 * The admin connection is lazy so that merely creating a fixture costs nothing, retries fast so
 * that it is usable again soon after a private server's start(), and swallows 'error' events that
 * are expected while a private server is deliberately down.
 */
function adminConnection(url: string): Redis {
  const admin = new Redis(url, {
    lazyConnect: true,
    connectionName: "nsk-test-admin",
    retryStrategy: (times) => Math.min(times * 50, 250),
  });
  admin.on("error", () => {});
  return admin;
}

/** disconnect() rather than quit(): quit() would wait forever on a server that is down. */
function closeConnection(admin: Redis): void {
  admin.disconnect(false);
}

/** Deletes keys under `prefix` in batches; other keys on the server are never touched. */
async function deleteByPrefix(admin: Redis, prefix: string): Promise<void> {
  const pattern = `${escapeGlob(prefix)}*`;
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", pattern, "COUNT", SCAN_BATCH);
    if (keys.length > 0) await admin.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}

/** SCAN MATCH is a glob: escape its metacharacters so the prefix matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`);
}

async function readCommandStats(admin: Redis): Promise<Record<string, number>> {
  return parseCommandStats(await admin.info("commandstats"));
}

/** Parses `cmdstat_<name>:calls=<n>,usec=…` lines; names are lowercased, `a|b` kept as-is. */
export function parseCommandStats(info: string): Record<string, number> {
  const stats: Record<string, number> = {};
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match?.[1] && match[2]) stats[match[1].toLowerCase()] = Number(match[2]);
  }
  return stats;
}

/**
 * Every key under `prefix` on the server behind `client` with its content, one line per key:
 * the name, then its fields and values (HGETALL, ZRANGE WITHSCORES, SMEMBERS, LRANGE, GET) as
 * JSON. Read as plain text, unlike DUMP's RDB encoding, which compresses small values so that a
 * string stored in them is not findable.
 */
export async function dumpKeys(client: Redis, prefix: string): Promise<string[]> {
  const keys = await client.keys(`${escapeGlob(prefix)}*`);
  return Promise.all(
    keys.map(async (key) => {
      const type = await client.type(key);
      const content =
        type === "hash" ? await client.hgetall(key)
        : type === "zset" ? await client.zrange(key, 0, -1, "WITHSCORES")
        : type === "set" ? await client.smembers(key)
        : type === "list" ? await client.lrange(key, 0, -1)
        : type === "string" ? await client.get(key)
        : `<${type}>`;
      return `${key} ${JSON.stringify(content)}`;
    }),
  );
}

/** What clients sent a Redis server (or each node of a Cluster) while an action ran. */
export interface CommandWatch {
  /**
   * The commands (`[name, ...args]`, name lowercased) that clients sent while `action` ran:
   * commands run inside scripts (MONITOR's `lua` source) and this watch's own are left out.
   */
  during(action: () => Promise<unknown>): Promise<string[][]>;
  /** Writes the servers applied so far (`rdb_changes_since_last_save`, summed), scripts' included. */
  changes(): Promise<number>;
  close(): void;
}

/**
 * Watches the servers at `urls` through MONITOR. A marker command (ECHO) sent after the
 * action, and waited for, fences each measure: MONITOR reports asynchronously. Needs servers
 * that save no RDB snapshots (test servers run with `--save ""`), so the change counter only grows.
 */
export async function watchCommands(urls: string[]): Promise<CommandWatch> {
  const nodes = await Promise.all(
    urls.map(async (url) => {
      const control = new Redis(url);
      control.on("error", () => {}); // outage tests stop the server; the watch just reconnects
      await control.ping();
      const seen: Array<{ args: string[]; source: string }> = [];
      const monitor = await monitorStream(url, (args, source) => seen.push({ args, source }));
      return { control, monitor, seen };
    }),
  );
  let round = 0;
  /** Sends a marker on every node and waits until MONITOR shows it; returns its position per node. */
  const fence = async () => {
    const marker = `nsk-watch-${process.pid}-${++round}`;
    await Promise.all(nodes.map((node) => node.control.echo(marker)));
    const deadline = Date.now() + 5_000;
    for (;;) {
      const at = nodes.map((node) => node.seen.findIndex((c) => c.args[0]?.toLowerCase() === "echo" && c.args[1] === marker));
      if (at.every((index) => index >= 0)) return at;
      if (Date.now() > deadline) throw new Error("watchCommands: MONITOR did not report the marker");
      await delay(10);
    }
  };
  return {
    async during(action) {
      const start = await fence();
      await action();
      const end = await fence();
      return nodes.flatMap((node, i) => {
        const own = node.seen[end[i]!]!.source;
        const sent = node.seen.slice(start[i]! + 1, end[i]).filter((c) => c.source !== "lua" && c.source !== own);
        node.seen.splice(0, end[i]! + 1);
        return sent.map((c) => [c.args[0]!.toLowerCase(), ...c.args.slice(1)]);
      });
    },
    async changes() {
      const infos = await Promise.all(nodes.map((node) => node.control.info("persistence")));
      return infos.reduce((sum, info) => sum + Number(/rdb_changes_since_last_save:(\d+)/.exec(info)?.[1] ?? NaN), 0);
    },
    close() {
      for (const node of nodes) {
        node.monitor.close();
        node.control.disconnect();
      }
    },
  };
}

/** A RESP command as a client sends it (an array of bulk strings). */
const resp = (...args: string[]) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;

/**
 * The arguments of one MONITOR line's command part: `"set" "a\"b" "\x00"`, each quoted and
 * escaped the way Redis prints them (sdscatrepr).
 */
function monitorArgs(text: string): string[] {
  const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", a: "\x07", b: "\b", '"': '"', "\\": "\\" };
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    let arg = "";
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] !== "\\") {
        arg += text[i];
      } else if (text[i + 1] === "x") {
        arg += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        arg += escapes[text[i + 1]!] ?? text[i + 1];
        i++;
      }
    }
    args.push(arg);
    i++;
  }
  return args;
}

/**
 * MONITOR on a connection of its own, read line by line from a raw socket: a client library in
 * monitor mode can take the stream for replies while it (re)connects (ioredis' "Command queue
 * state error" under load). Reconnects (and monitors again) when the server restarts; resolves
 * once the server has confirmed MONITOR.
 */
function monitorStream(url: string, onCommand: (args: string[], source: string) => void): Promise<{ close(): void }> {
  const { hostname, port, username, password } = new URL(url);
  let closed = false;
  let socket: net.Socket;
  let confirmed: () => void;
  const ready = new Promise<void>((resolve) => (confirmed = resolve));
  const line = (text: string) => {
    if (text === "+OK") return confirmed();
    const match = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(text);
    if (match) onCommand(monitorArgs(match[2]!), match[1]!);
  };
  const connect = () => {
    let buffer = "";
    socket = net.createConnection({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port || 6379) });
    socket.setEncoding("latin1");
    socket.on("connect", () => {
      const auth = password ? resp("AUTH", ...(username ? [decodeURIComponent(username)] : []), decodeURIComponent(password)) : "";
      socket.write(auth + resp("MONITOR"));
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        line(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!closed) setTimeout(connect, 100);
    });
  };
  connect();
  return ready.then(() => ({
    close() {
      closed = true;
      socket.destroy();
    },
  }));
}

/**
 * Raw-socket PING: no client library, no reconnect loops, a hard timeout. A server that wants a
 * password answers -NOAUTH and therefore counts as unavailable.
 */
export function answersPing(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = "";
    const socket = net.createConnection({ host, port });
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
    socket.once("error", () => finish(false));
    socket.once("close", () => finish(false));
  });
}

/** Asks the kernel for an unused port (tiny race until redis binds it, acceptable for tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, LOCAL_HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not allocate a port"))));
    });
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Safety net: if a test forgets stop(), do not leave orphan redis-server processes or temp dirs
 * behind when the worker exits. One listener for all servers (avoids MaxListeners warnings).
 */
const liveServers = new Set<PrivateRedisServer>();
let exitHookInstalled = false;
function trackForExit(server: PrivateRedisServer): void {
  liveServers.add(server);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const live of liveServers) live.destroySync();
  });
}

/**
 * One redis-server child process with its own temp dir. The port and dir stay fixed across
 * kill()/start() so a persistent server comes back with its data at the same address.
 */
class PrivateRedisServer {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), "nsk-redis-"));
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  readonly port: number;
  private readonly persistence: boolean;

  constructor(port: number, persistence: boolean) {
    this.port = port;
    this.persistence = persistence;
    trackForExit(this);
  }

  private args(): string[] {
    const common = ["--port", String(this.port), "--bind", LOCAL_HOST, "--dir", this.dir];
    const quiet = ["--daemonize", "no", "--protected-mode", "no", "--logfile", "redis.log"];
    const storage = this.persistence
      ? ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]
      : ["--appendonly", "no", "--save", ""];
    return [...common, ...quiet, ...storage];
  }

  /** Spawns the process (no-op if running) and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn("redis-server", this.args(), { cwd: this.dir, stdio: "ignore" });
    this.child = child;
    let spawnError: Error | undefined;
    this.exited = new Promise((resolve) => {
      child.once("error", (error) => {
        spawnError = error;
        resolve();
      });
      child.once("exit", () => resolve());
    });
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.child) break;
      if (await answersPing(LOCAL_HOST, this.port, PING_TIMEOUT_MS)) return;
      await delay(25);
    }
    await this.kill();
    const reason = spawnError ? `${spawnError.message} (is redis-server on PATH?)` : this.logTail();
    throw new Error(`private redis-server on port ${this.port} did not come up: ${reason}`);
  }

  /** SIGTERM makes redis shut down cleanly (flushing the AOF); escalate if it hangs. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)));
    const timedOut = await Promise.race([this.exited.then(() => false), timeout]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill("SIGKILL");
      await this.exited;
    }
    this.child = undefined;
  }

  /** Final teardown: process gone, temp dir gone, no longer tracked by the exit hook. */
  async destroy(): Promise<void> {
    await this.kill();
    liveServers.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Exit-hook variant: only synchronous work is possible while the process is exiting. */
  destroySync(): void {
    this.child?.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  private logTail(): string {
    try {
      return readFileSync(path.join(this.dir, "redis.log"), "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "(no log)";
    }
  }
}
