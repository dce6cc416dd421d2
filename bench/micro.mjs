// Section 1: the per-request session work, ours (the real SessionEngine over the cookie store,
// with the codec src/index.ts uses) next to iron-session and Auth.js, same payload, same run.
import { decode as authDecode, encode as authEncode } from "@auth/core/jwt";
import { getIronSession, sealData, unsealData } from "iron-session";
import { createHmac, createSecretKey } from "node:crypto";
import { ironCodecNode } from "../dist/codec/iron-node.js";
import { cachedUnseal } from "../dist/codec/seal-cache.js";
import { atRestNames } from "../dist/codec/session-id.js";
import { signer } from "../dist/codec/signer.js";
import { cookieStore } from "../dist/stores/cookie.js";
import { buildEngine, countingStore, MemJar, mintCookie, PASSWORD, payload, shiftedClock } from "./lib/engine.mjs";
import { fmtUs, fmtX, median, runRounds, table } from "./lib/measure.mjs";

const COOKIE = "session";
const IRON_OPTIONS = { password: PASSWORD, cookieName: "iron", cookieOptions: { secure: true } };
const AUTH = { secret: PASSWORD, salt: "authjs.session-token" };
const TWO_HOURS = 2 * 60 * 60 * 1000;

/** A Next `cookies()`-like store over one cookie, as iron-session's getIronSession takes it. */
function ironStore(value) {
  return {
    get: (name) => (name === "iron" && value !== undefined ? { name, value } : undefined),
    getAll: () => (value === undefined ? [] : [{ name: "iron", value }]),
    set() {},
  };
}

export async function runMicro({ rounds, roundMs = 80, log }) {
  const data = payload();
  const payloadBytes = Buffer.byteLength(JSON.stringify(data));
  // Default options, as an app configures them: 7-day idle timeout, renewal at most once an hour.
  const engine = buildEngine({ password: PASSWORD, cookie: { name: COOKIE } });
  const read = (cookie) => engine.open(new MemJar({ [COOKIE]: cookie }), { writable: false, renew: true }).then(({ session }) => session.get("userId"));

  const warmCookie = await mintCookie(engine, data, COOKIE);
  const dueCookie = await shiftedClock(-TWO_HOURS, () => mintCookie(engine, data, COOKIE));
  const ironSeal = await sealData(data, { password: PASSWORD });
  const jwt = await authEncode({ token: data, ...AUTH, maxAge: 30 * 24 * 60 * 60 });
  const rawCodec = ironCodecNode({ 1: PASSWORD });
  const rawSeal = await rawCodec.seal({ nsk: 1, d: data, c: Date.now(), s: Date.now(), e: Date.now() + 864e5 }, Date.now() + 864e5);
  const cached = cachedUnseal(ironCodecNode({ 1: PASSWORD }));
  await cached.unseal(rawSeal);
  const sign = signer({ 1: PASSWORD }, "session-id", COOKIE);
  const names = atRestNames({ 1: PASSWORD }, COOKIE);
  const sessionId = names.newId();
  const signedId = await sign.sign(sessionId);
  // Control (not library code): the signed-id HMAC with a key object prepared once.
  const keyObject = createSecretKey(createHmac("sha256", PASSWORD).update(`next-session-kit/session-id/v2/${COOKIE}`).digest());
  const [idPayload, idPassword] = signedId.split(".");

  // Sanity: every variant opens what it was given (a bench of failures would be meaningless).
  if ((await read(warmCookie)) !== data.userId) throw new Error("bench: our engine did not read the session");
  {
    const jar = new MemJar({ [COOKIE]: dueCookie });
    await engine.open(jar, { writable: false, renew: true });
    if (!jar.written(COOKIE)) throw new Error("bench: the renewal-due cookie was not renewed");
    const steady = new MemJar({ [COOKIE]: warmCookie });
    await engine.open(steady, { writable: false, renew: true });
    if (steady.writes.length !== 0) throw new Error("bench: a not-yet-due read wrote a cookie");
  }
  if ((await sign.verify(signedId)) !== sessionId) throw new Error("bench: the signed id did not verify");
  if (createHmac("sha256", keyObject).update(`${idPayload}.${idPassword}`).digest("base64url") !== signedId.split(".")[2]) throw new Error("bench: the HMAC control does not compute the library's MAC");
  if ((await unsealData(ironSeal, { password: PASSWORD })).userId !== data.userId) throw new Error("bench: unsealData failed");
  if ((await authDecode({ token: jwt, ...AUTH }))?.userId !== data.userId) throw new Error("bench: Auth.js decode failed");
  // Issue 6: a throttled request with a valid session does zero seals and zero writes. The
  // cookie store seals in save/update/touch and unseals in load: count those calls.
  const counts = {};
  const throttle = { requests: 200 };
  {
    const counting = buildEngine({ password: PASSWORD, cookie: { name: COOKIE }, store: countingStore(cookieStore(), counts) });
    const cookie = await mintCookie(counting, data, COOKIE);
    // Not in the millisecond the session was sealed: the engine takes a record last seen "now" for
    // an imported iron-session cookie and re-seals it in its own form (engine.ts #renewIfDue).
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const key of Object.keys(counts)) counts[key] = 0;
    let cookieWrites = 0;
    for (let i = 0; i < throttle.requests; i++) {
      for (const renew of [true, false]) {
        const jar = new MemJar({ [COOKIE]: cookie });
        await counting.open(jar, { writable: renew, renew }); // the proxy's open, then the page's
        cookieWrites += jar.writes.length;
      }
    }
    Object.assign(throttle, { seals: (counts.save ?? 0) + (counts.update ?? 0) + (counts.touch ?? 0), unseals: counts.load ?? 0, cookieWrites });
  }
  const cookies = {
    ours: warmCookie.length,
    iron: ironSeal.length,
    authjs: jwt.length,
  };

  const benches = [
    {
      name: "ours.readCold",
      // n seals never seen before: each iteration misses the verified-seal cache.
      prepare: async (n) => Promise.all(Array.from({ length: n }, () => mintCookie(engine, data, COOKIE))),
      op: (seals, i) => read(seals[i]),
    },
    {
      name: "ours.readWarm",
      // The same seal, but as a new string each time, as every request parses its Cookie header
      // afresh (so the cache lookup hashes and compares the full value, as it does in a server).
      prepare: (n) => Array.from({ length: n }, () => Buffer.from(warmCookie).toString()),
      op: (copies, i) => read(copies[i]),
    },
    { name: "ours.readDue", op: () => read(dueCookie) },
    {
      name: "ours.write",
      op: async () => {
        const jar = new MemJar({ [COOKIE]: warmCookie });
        const { session } = await engine.open(jar, { writable: true, renew: false });
        session.set("cart", ["sku-1001", "sku-2042", "sku-3090", "sku-9999"]);
        await session.save();
      },
    },
    {
      name: "ours.create",
      op: async () => {
        const jar = new MemJar();
        const { session } = await engine.open(jar, { writable: true, renew: false });
        for (const key in data) session.set(key, data[key]);
        await session.save();
      },
    },
    { name: "codec.unseal", op: () => rawCodec.unseal(rawSeal) },
    { name: "codec.seal", op: () => rawCodec.seal({ nsk: 1, d: data, c: 1, s: 1, e: Date.now() + 864e5 }, Date.now() + 864e5) },
    {
      name: "cache.hit",
      prepare: (n) => Array.from({ length: n }, () => Buffer.from(rawSeal).toString()),
      op: (copies, i) => cached.unseal(copies[i]),
    },
    { name: "id.verify", op: () => sign.verify(signedId) },
    { name: "id.hash", op: () => names.session(sessionId) },
    { name: "hmac.keyObject", op: () => createHmac("sha256", keyObject).update(`${idPayload}.${idPassword}`).digest() },
    { name: "iron.unsealData", op: () => unsealData(ironSeal, { password: PASSWORD }) },
    { name: "iron.sealData", op: () => sealData(data, { password: PASSWORD }) },
    { name: "iron.getIronSession.read", op: () => getIronSession(ironStore(ironSeal), IRON_OPTIONS).then((s) => s.userId) },
    {
      name: "iron.getIronSession.write",
      op: async () => {
        const session = await getIronSession(ironStore(ironSeal), IRON_OPTIONS);
        session.cart = ["sku-1001", "sku-2042", "sku-3090", "sku-9999"];
        await session.save();
      },
    },
    { name: "authjs.decode", op: () => authDecode({ token: jwt, ...AUTH }) },
    { name: "authjs.encode", op: () => authEncode({ token: data, ...AUTH, maxAge: 30 * 24 * 60 * 60 }) },
  ];
  const results = await runRounds(benches, { rounds, roundMs, log });
  const us = (name) => results.get(name).median;

  const rows = [
    ["our read, cold (new seal: cache miss)", "ours.readCold"],
    ["our read, warm (same seal: cache hit)", "ours.readWarm"],
    ["our read, renewal due (re-seal)", "ours.readDue"],
    ["our write (open + set + save: seal)", "ours.write"],
    ["our new session (open + 11 sets + save)", "ours.create"],
    ["iron-session unsealData", "iron.unsealData"],
    ["iron-session sealData", "iron.sealData"],
    ["iron-session getIronSession read", "iron.getIronSession.read"],
    ["iron-session getIronSession + save", "iron.getIronSession.write"],
    ["Auth.js jwt decode", "authjs.decode"],
    ["Auth.js jwt encode", "authjs.encode"],
  ].map(([label, name]) => ({ label, name, us: us(name), cpu: results.get(name).cpuMedian, n: results.get(name).n, spread: spread(results.get(name).rounds) }));
  const anatomy = [
    ["node:crypto Iron unseal alone (no cache, no engine)", "codec.unseal"],
    ["node:crypto Iron seal alone", "codec.seal"],
    ["verified-seal cache hit alone (LRU refresh, the frozen value served as is)", "cache.hit"],
    ["signed-id check (server-side stores: HMAC-SHA256, node:crypto)", "id.verify"],
    ["session-id digest (server-side stores: keyed HMAC-SHA256 at rest)", "id.hash"],
    ["control: the same HMAC with a key object made once (createSecretKey; not library code)", "hmac.keyObject"],
  ].map(([label, name]) => ({ label, name, us: us(name), cpu: results.get(name).cpuMedian, n: results.get(name).n, spread: spread(results.get(name).rounds) }));

  // How many times faster a is than b: the median over rounds of the ratio within each round.
  const ratio = (a, b) => median(results.get(b).rounds.map((tb, i) => tb / results.get(a).rounds[i]));
  const cpuRatio = (a, b) => median(results.get(b).cpuRounds.map((tb, i) => tb / results.get(a).cpuRounds[i]));
  const ratios = [
    { label: "warm read vs unsealData", x: ratio("ours.readWarm", "iron.unsealData"), cpu: cpuRatio("ours.readWarm", "iron.unsealData"), target: 20 },
    { label: "cold read vs unsealData", x: ratio("ours.readCold", "iron.unsealData"), cpu: cpuRatio("ours.readCold", "iron.unsealData"), target: 3 },
    { label: "warm read vs getIronSession read", x: ratio("ours.readWarm", "iron.getIronSession.read"), cpu: cpuRatio("ours.readWarm", "iron.getIronSession.read") },
    { label: "cold read vs getIronSession read", x: ratio("ours.readCold", "iron.getIronSession.read"), cpu: cpuRatio("ours.readCold", "iron.getIronSession.read") },
    { label: "warm read vs Auth.js decode", x: ratio("ours.readWarm", "authjs.decode"), cpu: cpuRatio("ours.readWarm", "authjs.decode") },
    { label: "cold read vs Auth.js decode", x: ratio("ours.readCold", "authjs.decode"), cpu: cpuRatio("ours.readCold", "authjs.decode") },
    { label: "write vs sealData", x: ratio("ours.write", "iron.sealData"), cpu: cpuRatio("ours.write", "iron.sealData") },
    { label: "write vs getIronSession + save", x: ratio("ours.write", "iron.getIronSession.write"), cpu: cpuRatio("ours.write", "iron.getIronSession.write") },
    { label: "write vs Auth.js encode", x: ratio("ours.write", "authjs.encode"), cpu: cpuRatio("ours.write", "authjs.encode") },
    { label: "renewal-due read vs getIronSession + save (iron's rolling request)", x: ratio("ours.readDue", "iron.getIronSession.write"), cpu: cpuRatio("ours.readDue", "iron.getIronSession.write") },
  ];
  return { payloadBytes, cookies, rows, anatomy, ratios, rounds, roundMs, throttle };
}

/** max/min of the per-round values, as a noise indicator. */
function spread(values) {
  return Math.max(...values) / Math.min(...values);
}

export function microMarkdown(micro) {
  const out = [];
  out.push(
    `Payload: the same ${micro.payloadBytes}-byte JSON object (11 fields) for every library. Cookie values: ours ${micro.cookies.ours} B, ` +
      `iron-session ${micro.cookies.iron} B, Auth.js JWE ${micro.cookies.authjs} B. Each figure is the median of ${micro.rounds} rounds ` +
      `(all benches interleaved in every round, order rotated); each round times a batch of sequential awaited calls sized to ~${micro.roundMs} ms. ` +
      "`spread` is the slowest round / fastest round. Ratios are the median of the per-round ratios. *CPU µs/op* is the process's user+system " +
      "CPU time per call (all threads: Web Crypto work runs on libuv's pool), which other load on the machine disturbs less than elapsed time; the targets are judged on elapsed time.",
    "",
    "\"Our\" rows run the real `SessionEngine.open()` over the cookie store with the codec `createSessions` builds on Node " +
      "(`cachedUnseal(ironCodecNode(...))`), driven by an in-memory cookie jar, default options (renewal at most once an hour): " +
      "reads open with `renew: true`, as the proxy does (the superset of a page's `getSession()` read), and read one key. " +
      "Cold: a batch of distinct, freshly minted seals, so every read misses the cache. Warm: the same seal again " +
      "(a fresh copy of the string each time, as a parsed Cookie header is).",
    "",
  );
  out.push(table(["operation", "µs/op", "CPU µs/op", "spread", "ops/round"], micro.rows.map((r) => [r.label, fmtUs(r.us), fmtUs(r.cpu), fmtX(r.spread), r.n])));
  out.push("", "Ratios (how many times faster ours is, same run):", "");
  out.push(
    table(
      ["comparison", "ratio (time)", "ratio (CPU)", "target (issue 6)", "met?"],
      micro.ratios.map((r) => [r.label, fmtX(r.x), fmtX(r.cpu), r.target ? `>= ${r.target}x` : "", r.target ? (r.x >= r.target ? "yes" : `NO (${fmtX(r.x / r.target)} of target)`) : ""]),
    ),
  );
  const t = micro.throttle;
  out.push(
    "",
    `Throttled requests (valid session, renewal not due), through a cookie store that counts its calls: ${t.requests} requests, each a proxy open (renew) and a page open: ` +
      `**${t.seals} seals** (store save/update/touch), ${t.cookieWrites} cookie writes, ${t.unseals} loads (unseals, cache hits included).`,
  );
  out.push("", "Where the time goes (components, same run):", "");
  out.push(table(["component", "µs/op", "CPU µs/op", "spread"], micro.anatomy.map((r) => [r.label, fmtUs(r.us), fmtUs(r.cpu), fmtX(r.spread)])));
  return out.join("\n");
}
