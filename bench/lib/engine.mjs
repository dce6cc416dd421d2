// Engines as `createSessions` builds them: `buildEngine` from src/setup.ts (validated config, the
// codec that seals cookies, the store initialised with it), imported from the compiled library in
// ../../dist. The public entry (dist/index.js) cannot be imported outside Next: it pulls in
// `server-only` through next/headers; setup.js is everything below the Next adapters.
import { buildEngine } from "../../dist/setup.js";

export { buildEngine };

/** The password every variant (ours, iron-session, Auth.js, the bench app) uses. */
export const PASSWORD = "bench-password-that-is-at-least-32-characters-long";

/**
 * The same ~350-byte session for every library (JSON.stringify length is printed in the report).
 * @returns {Record<string, unknown>}
 */
export function payload() {
  return {
    userId: "user_01HZX3Q9B7M2K8D4V6N0P5R1TA",
    name: "Ada Lovelace",
    email: "ada.lovelace@analytical-engine.example",
    role: "admin",
    org: "org_7f3c2a91",
    locale: "en-GB",
    theme: "dark",
    cart: ["sku-1001", "sku-2042", "sku-3090", "sku-4417"],
    flags: { beta: true, newNav: false, tours: ["welcome", "billing"] },
    csrf: "c2b1f1d0a9e8d7c6b5a49382716f5e4d",
    lastOrder: 1761234567890,
  };
}

/**
 * Wraps a store so that its calls are counted (for the cookie store, `save`/`update`/`touch`
 * each make one seal and `load` one unseal, cache hits included).
 */
export function countingStore(store, counts) {
  const counted = (name) => (...args) => {
    counts[name] = (counts[name] ?? 0) + 1;
    return store[name](...args);
  };
  return { ...store, init: store.init?.bind(store), load: counted("load"), save: counted("save"), update: counted("update"), touch: counted("touch"), delete: counted("delete") };
}

/** One request's cookies plus what its response sets (like test/unit/jar.ts `TestJar`). */
export class MemJar {
  /** @param {Record<string, string>} cookies */
  constructor(cookies = {}) {
    this.cookies = cookies;
    /** @type {Array<[string, string, object]>} */
    this.writes = [];
  }
  get(name) {
    return this.cookies[name];
  }
  set(name, value, attributes) {
    this.writes.push([name, value, attributes]);
  }
  /** The last value this response set for `name`. */
  written(name) {
    for (let i = this.writes.length - 1; i >= 0; i--) if (this.writes[i][0] === name) return this.writes[i][1];
    return undefined;
  }
}

/**
 * One "login" through the engine: a new session holding `data`; returns the cookie value.
 * @param {import("../../dist/engine.js").SessionEngine} engine
 */
export async function mintCookie(engine, data, cookieName = "session") {
  const jar = new MemJar();
  const { session } = await engine.open(jar, { writable: true, renew: false });
  for (const [key, value] of Object.entries(data)) session.set(key, value);
  await session.save();
  const value = jar.written(cookieName);
  if (!value) throw new Error("bench: the engine wrote no session cookie");
  return value;
}

/** Runs `fn` with `Date.now()` shifted by `offsetMs` (to mint a session whose renewal is due). */
export async function shiftedClock(offsetMs, fn) {
  const real = Date.now;
  Date.now = () => real() + offsetMs;
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}
