// Section 3: what the Redis-backed stores cost Redis, counted by Redis: round trips (MONITOR:
// client commands vs commands run inside Lua), every command (INFO commandstats deltas),
// writes, memory per session (MEMORY USAGE and used_memory over many sessions), and the
// per-read cost with 10^3 vs 10^6 stored sessions. All on a private redis-server and the
// Upstash REST fixture, both from test/support (Node runs their TypeScript directly).
import { createClient as createKvClient } from "@vercel/kv";
import { Redis } from "ioredis";
import { kvStore } from "../dist/stores/kv.js";
import { redisStore } from "../dist/stores/redis.js";
import { useRedis } from "../test/support/redis.ts";
import { startUpstashRest } from "../test/support/upstash-rest.ts";
import { buildEngine, MemJar, mintCookie, PASSWORD, shiftedClock } from "./lib/engine.mjs";
import { fmtUs, fmtX, median, table } from "./lib/measure.mjs";
import { commandTime, monitor, statsDelta, WRITE_COMMANDS } from "./lib/redis-count.mjs";

const COOKIE = "session";
const TWO_HOURS = 2 * 60 * 60 * 1000;

/** A session whose data is 100 bytes of JSON. */
export function smallData() {
  const data = { userId: "user_01HZX3Q9B7M2K8D4V6N0P5R1TA", name: "Ada Lo", role: "member", cart: ["sku-1001", "s"] };
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes !== 100) throw new Error(`bench: the small session is ${bytes} bytes, not 100`);
  return data;
}

/**
 * The first key of `kind` (`s`: a session hash, `u`: a user index) in `client`'s db. Key names
 * are keyed digests of the id (src/codec/session-id.ts): found by SCAN, not computed.
 */
async function firstKey(client, kind) {
  let cursor = "0";
  do {
    const [next, found] = await client.scan(cursor, "MATCH", `nsk:{*}:${kind}:*`, "COUNT", 1000);
    if (found.length) return found[0];
    cursor = next;
  } while (cursor !== "0");
  throw new Error(`bench: no ${kind} key in the db`);
}

const open = (engine, cookie, options) => engine.open(new MemJar(cookie ? { [COOKIE]: cookie } : {}), options);
const proxyRead = (engine, cookie) => open(engine, cookie, { writable: true, renew: true });
const pageRead = (engine, cookie) => open(engine, cookie, { writable: false, renew: false });

/**
 * Fills db `client` up to `target` keys with copies (RESTORE) of a real session hash, under key
 * names as long as real ones (`f` + digits in place of the id's digest).
 */
async function populate(client, target, prototypeKey, log) {
  const dump = await client.dumpBuffer(prototypeKey);
  const digits = prototypeKey.length - prototypeKey.indexOf(":s:") - 4;
  const script = `
local n, start, payload, expires = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
for i = start, start + n - 1 do
  redis.call('RESTORE', 'nsk:{' .. string.format('%x', i % 16) .. '}:s:f' .. string.format('%0${digits}d', i), expires, payload, 'ABSTTL', 'REPLACE')
end
return n`;
  const expires = String(Date.now() + 7 * 24 * 3600 * 1000);
  const started = Date.now();
  let have = await client.dbsize();
  let next = 0;
  while (have < target) {
    const n = Math.min(50_000, target - have);
    await client.eval(script, 0, n, next, dump, expires);
    next += n;
    have = await client.dbsize();
  }
  log(`  populated db to ${have} keys in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return have;
}

export async function runKv({ rounds = 5, log = () => {}, large = 1_000_000 }) {
  const redis = await useRedis({ private: true });
  const clients = [];
  const closers = [];
  try {
    // The bench's own connection: INFO, MEMORY USAGE, MONITOR markers.
    const admin = new Redis(redis.url, { connectionName: "nsk-bench-admin" });
    clients.push(admin);
    const redisVersion = (await admin.info("server")).match(/redis_version:(\S+)/)?.[1] ?? "?";
    const ioredis = (db) => {
      const client = new Redis(`${redis.url}/${db}`, { connectionName: `nsk-bench-store-db${db}` });
      clients.push(client);
      return client;
    };
    const db0 = ioredis(0);
    const rest = await startUpstashRest({ redisUrl: redis.url, token: "bench-token" });
    closers.push(() => rest.close());
    const kvClient = createKvClient({ url: rest.url, token: rest.token });
    const stores = {
      redis: { label: "redisStore (ioredis, TCP)", engine: buildEngine({ password: PASSWORD, store: redisStore({ client: db0 }), cookie: { name: COOKIE } }) },
      kv: { label: "kvStore (@vercel/kv, Upstash REST)", engine: buildEngine({ password: PASSWORD, store: kvStore({ client: kvClient }), cookie: { name: COOKIE } }) },
    };
    await db0.ping();
    const mon = await monitor(redis.url, admin);
    closers.push(() => mon.close());

    /** Runs `fn` `times` times (fresh state from `setup` each time) and averages what Redis saw. */
    const measure = async (times, setup, fn) => {
      const totals = { roundTrips: 0, scriptCommands: 0, writes: 0, http: 0, commands: {} };
      for (let i = 0; i < times; i++) {
        const state = await setup();
        const before = await redis.commandStats();
        const httpBefore = rest.requests;
        const seen = await mon.count(() => fn(state));
        const delta = statsDelta(before, await redis.commandStats());
        totals.roundTrips += seen.client.length;
        totals.scriptCommands += seen.script.length;
        totals.http += rest.requests - httpBefore;
        for (const [name, calls] of Object.entries(delta)) {
          totals.commands[name] = (totals.commands[name] ?? 0) + calls;
          if (WRITE_COMMANDS.has(name)) totals.writes += calls;
        }
      }
      const per = (x) => x / times;
      return {
        roundTrips: per(totals.roundTrips),
        scriptCommands: per(totals.scriptCommands),
        writes: per(totals.writes),
        http: per(totals.http),
        commands: Object.fromEntries(Object.entries(totals.commands).map(([name, calls]) => [name, per(calls)])),
      };
    };

    // First call after Redis (re)started: the script is unknown -> EVALSHA fails with NOSCRIPT, then EVAL.
    const coldScript = await measure(1, () => undefined, () => mintCookie(stores.redis.engine, smallData(), COOKIE));

    const data = smallData();
    const scenarios = [];
    for (const [id, { label, engine }] of Object.entries(stores)) {
      await mintCookie(engine, data, COOKIE); // loads the scripts for this client
      const fresh = () => mintCookie(engine, data, COOKIE);
      const due = () => shiftedClock(-TWO_HOURS, () => mintCookie(engine, data, COOKIE));
      const check = async (promise, expectWrite) => {
        const opened = await promise;
        if (opened.session.isNew) throw new Error(`bench: ${id} lost the session`);
        return opened;
      };
      const rows = [
        ["read, not due (proxy: open with renewal check)", fresh, (c) => check(proxyRead(engine, c))],
        ["read (page: getSession)", fresh, (c) => check(pageRead(engine, c))],
        ["whole request, not due (proxy + page)", fresh, async (c) => { await check(proxyRead(engine, c)); await check(pageRead(engine, c)); }],
        ["read, renewal due (proxy)", due, (c) => check(proxyRead(engine, c))],
        [
          "save (set 1 key + save(), after its read)",
          async () => (await pageReadWritable(engine, await fresh())),
          async (session) => { session.set("cart", ["sku-1001", "sku-2042", "sku-3"]); await session.save(); },
        ],
        ["new session (login: set + save())", () => undefined, () => mintCookie(engine, data, COOKIE)],
      ];
      // One unmeasured pass first, so every script is loaded (the NOSCRIPT fallback is reported separately).
      for (const [, setup, fn] of rows) await fn(await setup());
      for (const [scenario, setup, fn] of rows) scenarios.push({ store: id, storeLabel: label, scenario, ...(await measure(5, setup, fn)) });
    }
    mon.close(); // the timings below must not pay for MONITOR

    // Memory per stored session (100-byte data): the hash alone, its user-index entry, and the
    // server's used_memory growth over many sessions (each with its own user: worst case).
    const db2 = ioredis(2);
    const memoryEngine = buildEngine({ password: PASSWORD, store: redisStore({ client: db2 }), cookie: { name: COOKIE } });
    const memoryUsage = async (name) => Number(await db2.call("MEMORY", "USAGE", name, "SAMPLES", "0"));
    const lone = { ...data, userId: "user_01HZX3Q9B7M2K8D4V6N0P5R1TB" }; // a user with exactly one session
    // db2 is empty until now: the one session and the one user index are this login's.
    await mintCookie(memoryEngine, lone, COOKIE);
    const key = await firstKey(db2, "s");
    const index = await firstKey(db2, "u");
    const hashBytes = await memoryUsage(key);
    const indexBytes = await memoryUsage(index);
    const hashEncoding = await db2.object("ENCODING", key);
    const fields = await db2.hgetall(key);
    // What the hash would take without the user digest field `u` (kept for the index upkeep): a
    // copy under a key name of the same length, minus that field.
    const probe = key.slice(0, key.indexOf(":s:") + 3) + "x".repeat(key.length - key.indexOf(":s:") - 3);
    await db2.copy(key, probe);
    await db2.hdel(probe, "u");
    const withoutU = await memoryUsage(probe);
    await db2.del(probe);
    const usedMemory = async () => Number((await admin.info("memory")).match(/used_memory:(\d+)/)[1]);
    const BULK = 10_000;
    const bulk = async (userOf) => {
      const before = await usedMemory();
      for (let i = 0; i < BULK; i += 250) {
        await Promise.all(Array.from({ length: 250 }, (_, j) => mintCookie(memoryEngine, { ...data, userId: userOf(i + j) }, COOKIE)));
      }
      return ((await usedMemory()) - before) / BULK;
    };
    const perSessionOwnUser = await bulk((i) => `user_${String(i).padStart(24, "0")}`);
    const perSessionSharedUser = await bulk(() => "user_shared_by_every_session_0");
    const memory = {
      hashBytes, indexBytes, hashEncoding, fieldNames: Object.keys(fields), keyLength: key.length, digestLength: key.length - key.indexOf(":s:") - 3, withoutU,
      fieldBytes: Object.entries(fields).reduce((n, [f, v]) => n + f.length + v.length, 0),
      perSessionOwnUser, perSessionSharedUser, bulk: BULK, dataBytes: Buffer.byteLength(JSON.stringify(data)),
    };
    log(`  memory: hash ${hashBytes} B (${withoutU} B without u), index ${indexBytes} B, ${perSessionOwnUser.toFixed(0)} / ${perSessionSharedUser.toFixed(0)} B per session over ${BULK}`);

    // Per-read cost at 10^3 vs 10^6 stored sessions: db0 and db1, read alternately, round by round.
    const db1 = ioredis(1);
    const levels = [
      { name: "10^3", db: db0, target: 1_000 },
      { name: large >= 1e6 ? "10^6" : `${large}`, db: db1, target: large },
    ];
    const REAL = 200;
    for (const level of levels) {
      level.engine = buildEngine({ password: PASSWORD, store: redisStore({ client: level.db }), cookie: { name: COOKIE } });
      level.cookies = [];
      for (let i = 0; i < REAL; i += 50) level.cookies.push(...(await Promise.all(Array.from({ length: 50 }, () => mintCookie(level.engine, data, COOKIE)))));
      level.keys = await populate(level.db, level.target, await firstKey(level.db, "s"), log);
      level.samples = [];
      level.serverUs = [];
    }
    const READS = 500;
    for (const level of levels) for (let i = 0; i < 300; i++) await proxyRead(level.engine, level.cookies[i % REAL]); // warm-up
    // Control: a bare round trip on the same connection (EVALSHA of a script that returns 1).
    const trivial = await db0.script("LOAD", "return 1");
    const bare = [];
    for (let round = 0; round < rounds; round++) {
      const each = new Float64Array(READS);
      for (let i = 0; i < READS; i++) {
        const start = process.hrtime.bigint();
        await db0.evalsha(trivial, 0);
        each[i] = Number(process.hrtime.bigint() - start) / 1000;
      }
      bare.push(median(each));
      for (const level of round % 2 ? [...levels].reverse() : levels) await timedReads(level, READS, round, admin);
    }
    const scale = levels.map((level) => ({ name: level.name, keys: level.keys, us: median(level.samples), serverUs: median(level.serverUs) }));
    const bareUs = median(bare);
    log(`  10^3 vs 10^6: ${scale.map((s) => `${s.name} ${fmtUs(s.us)} µs (server ${fmtUs(s.serverUs)} µs)`).join(", ")}; bare round trip ${fmtUs(bareUs)} µs`);

    const kvScale = await kvAtScale(levels, redis.url, admin, rounds, closers, log);

    return { redisVersion, coldScript, scenarios, memory, scale, kvScale, bareUs, reads: READS, rounds };
  } finally {
    for (const client of clients) client.disconnect();
    for (const close of closers.reverse()) await Promise.resolve().then(close).catch(() => {});
    await redis.stop();
  }
}

/**
 * One round of `reads` sequential proxy reads of `level` (its engine, over its cookies): adds
 * the median client latency to `level.samples` and the EVALSHA time inside Redis to `level.serverUs`.
 */
async function timedReads(level, reads, round, admin) {
  const before = await commandTime(admin, "evalsha");
  const each = new Float64Array(reads);
  for (let i = 0; i < reads; i++) {
    const start = process.hrtime.bigint();
    await proxyRead(level.engine, level.cookies[(i * 7 + round) % level.cookies.length]);
    each[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  level.samples.push(median(each));
  const after = await commandTime(admin, "evalsha");
  level.serverUs.push((after.usec - before.usec) / (after.calls - before.calls));
}

/**
 * The same 10^3 vs 10^6 comparison for kvStore: one Upstash REST fixture per database (db 0 and
 * db 1, already filled above), 200 real sessions minted through each, reads alternating round
 * by round; client latency (HTTP through @vercel/kv) and EVALSHA time inside Redis.
 */
async function kvAtScale(levels, redisUrl, admin, rounds, closers, log) {
  const READS = 200;
  const REAL = 200;
  const out = [];
  for (const [db, level] of levels.entries()) {
    const rest = await startUpstashRest({ redisUrl: `${redisUrl}/${db}`, token: "bench-token" });
    closers.push(() => rest.close());
    const engine = buildEngine({ password: PASSWORD, store: kvStore({ client: createKvClient({ url: rest.url, token: "bench-token" }) }), cookie: { name: COOKIE } });
    const cookies = [];
    for (let i = 0; i < REAL; i += 50) cookies.push(...(await Promise.all(Array.from({ length: 50 }, () => mintCookie(engine, smallData(), COOKIE)))));
    for (let i = 0; i < 100; i++) await proxyRead(engine, cookies[i % REAL]); // warm-up
    out.push({ name: level.name, keys: await level.db.dbsize(), engine, cookies, samples: [], serverUs: [] });
  }
  for (let round = 0; round < rounds; round++) {
    for (const level of round % 2 ? [...out].reverse() : out) await timedReads(level, READS, round, admin);
  }
  const scale = out.map((level) => ({ name: level.name, keys: level.keys, us: median(level.samples), serverUs: median(level.serverUs), reads: READS }));
  log(`  kv 10^3 vs 10^6: ${scale.map((x) => `${x.name} ${fmtUs(x.us)} µs (server ${fmtUs(x.serverUs)} µs)`).join(", ")}`);
  return scale;
}

/** The writable session a Route Handler / Server Action gets (its read is not counted). */
async function pageReadWritable(engine, cookie) {
  const { session } = await open(engine, cookie, { writable: true, renew: false });
  return session;
}

export function kvMarkdown(kv) {
  const out = [];
  const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  out.push(
    `Private redis-server ${kv.redisVersion} (no persistence), default options (renewal at most once an hour). Each scenario ran 5 times on fresh sessions; ` +
      "figures are per operation. *Round trips* are client commands as Redis's MONITOR saw them; *script cmds* are the commands " +
      "those scripts ran inside Redis (MONITOR source `lua`); *writes* are write commands in the INFO commandstats delta; " +
      "*HTTP* is requests the Upstash-protocol server received (kvStore's real round trips).",
    "",
  );
  out.push(
    table(
      ["store", "scenario", "round trips", "HTTP", "script cmds", "writes", "commands (commandstats delta)"],
      kv.scenarios.map((s) => [
        s.store,
        s.scenario,
        fmt(s.roundTrips),
        s.store === "kv" ? fmt(s.http) : "-",
        fmt(s.scriptCommands),
        fmt(s.writes),
        Object.entries(s.commands).map(([name, calls]) => `${name} ${fmt(calls)}`).join(", "),
      ]),
    ),
  );
  const cold = kv.coldScript;
  out.push(
    "",
    `First store call after Redis (re)started: ${fmt(cold.roundTrips)} round trips (${Object.entries(cold.commands).filter(([n]) => n.startsWith("eval")).map(([n, c]) => `${n} ${c}`).join(", ")}: ` +
      "EVALSHA answers NOSCRIPT once, then EVAL loads the script); every later call is one EVALSHA.",
  );
  const m = kv.memory;
  out.push(
    "",
    `Memory for a session with ${m.dataBytes} bytes of data (4 keys): the session hash takes **${m.hashBytes} bytes** (MEMORY USAGE SAMPLES 0; ${m.hashEncoding}; ` +
      `key name ${m.keyLength} chars, ${m.digestLength} of them the id's digest (128 bits of SHA-256, base64url); fields ${m.fieldNames.join(", ")}: ${m.fieldBytes} bytes of field names and values), ` +
      `${m.withoutU} bytes without the \`u\` field (the user id's digest, also ${m.digestLength} chars). ` +
      `Its user's index (a sorted set per user) takes ${m.indexBytes} bytes with one member. used_memory growth over ${m.bulk} sessions created through the store: ` +
      `${m.perSessionOwnUser.toFixed(0)} bytes per session when each has its own user (one index each: the worst case), ` +
      `${m.perSessionSharedUser.toFixed(0)} bytes when they all belong to one user (keyspace, expiry entries and allocator overhead included).`,
  );
  const [small, big] = kv.scale;
  out.push(
    "",
    `Per read (proxy-style open with renewal check, not due: signed-id check + SHA-256 + 1 EVALSHA over ioredis), ${kv.reads} sequential reads per round over 200 real sessions, ` +
      `${kv.rounds} rounds alternating the two databases (db 0 and db 1 of the same server); client figure: median latency of a read, median over rounds; Redis figure: usec/calls of EVALSHA from INFO commandstats, median over rounds:`,
    "",
    table(
      ["stored sessions", "keys in db", "µs per read (client, median)", "µs per EVALSHA (Redis)"],
      kv.scale.map((s) => [s.name, s.keys, fmtUs(s.us), fmtUs(s.serverUs)]),
    ),
    "",
    `Ratio ${big.name} / ${small.name}: ${fmtX(big.us / small.us)} per read (client), ${fmtX(big.serverUs / small.serverUs)} inside Redis. ` +
      (kv.bareUs === undefined ? "" : `Control: a bare round trip on the same connection (EVALSHA of a script that returns 1, same rounds) took ${fmtUs(kv.bareUs)} µs (median).`),
  );
  if (kv.kvScale) {
    const [kvSmall, kvBig] = kv.kvScale;
    out.push(
      "",
      `The same for kvStore (@vercel/kv over HTTP, one Upstash REST fixture per database, ${kvSmall.reads} reads per round over 200 sessions minted through it, same rounds):`,
      "",
      table(
        ["stored sessions", "keys in db", "µs per read (client, median)", "µs per EVALSHA (Redis)"],
        kv.kvScale.map((x) => [x.name, x.keys, fmtUs(x.us), fmtUs(x.serverUs)]),
      ),
      "",
      `Ratio ${kvBig.name} / ${kvSmall.name}: ${fmtX(kvBig.us / kvSmall.us)} per read (client), ${fmtX(kvBig.serverUs / kvSmall.serverUs)} inside Redis.`,
    );
  }
  return out.join("\n");
}
