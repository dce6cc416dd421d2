/**
 * Engines built by `buildEngine` (what `createSessions` uses, without `next/headers`), with
 * recorded events, request helpers and a frozen clock.
 */
import { afterEach, beforeEach, vi } from "vitest";
import { bytesToBase64url } from "../../src/codec/base64url.js";
import type { SessionEvent, SessionOptions } from "../../src/config.js";
import type { OpenOptions } from "../../src/engine.js";
import { buildEngine } from "../../src/setup.js";
import type { SessionStore } from "../../src/stores/types.js";
import { TestJar } from "./jar.js";

export const PASSWORD = "correct-horse-battery-staple-0001";
export const OTHER_PASSWORD = "another-32-character-password-002";
export const T0 = Date.UTC(2030, 0, 1);

type Options = Partial<SessionOptions<never>>;

/** An engine whose events are recorded, with request helpers. */
export function setup(options: Options = {}) {
  const events: SessionEvent[] = [];
  const engine = buildEngine({ password: PASSWORD, onEvent: (event) => events.push(event), ...options });
  const open = <Data extends object = Record<string, unknown>>(jar: TestJar, given: Partial<OpenOptions> = {}) =>
    engine.open<Data>(jar, { writable: true, renew: false, ...given });
  /** One request that stores `data` in a fresh (or the given) session; returns the next request's jar. */
  const seed = async (data: Record<string, unknown>, jar = new TestJar()) => {
    const { session } = await open(jar);
    for (const [key, value] of Object.entries(data)) session.set(key, value);
    await session.save();
    return jar.next();
  };
  return { engine, events, open, seed };
}

/** Freezes `Date` at T0 for each test (promises and Web Crypto keep running); `advance` moves it. */
export function frozenClock() {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return { advance: (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000) };
}

const encoder = new TextEncoder();

/**
 * A `<payload>.<id>.<mac>` token signed the way src/codec/signer.ts signs (key bound to purpose
 * and cookie name), with a secret an attacker knows: for forging tests.
 */
export async function forgeToken(payload: string, id: string, secret: string, purpose = "session-id", cookieName = "session"): Promise<string> {
  const hmacKey = (raw: BufferSource) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const derived = await crypto.subtle.sign("HMAC", await hmacKey(encoder.encode(secret)), encoder.encode(`next-session-kit/${purpose}/v2/${cookieName}`));
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(derived), encoder.encode(`${payload}.${id}`));
  return `${payload}.${id}.${bytesToBase64url(new Uint8Array(mac))}`;
}

/** Secrets anyone can compute: what a plain object's inherited members stringify to. */
export const INHERITED_IDS = ["constructor", "__proto__", "toString", "hasOwnProperty"].map((id) => ({
  id,
  secret: String((Object.prototype as unknown as Record<string, unknown>)[id] ?? Object.prototype),
}));

/**
 * A server-side store whose backend refuses every connection: a stand-in for an outage where
 * the engine's reaction is the point (real outages: test/integration/outage-gate.test.ts).
 */
export const unreachableStore: SessionStore = {
  serverSide: true,
  load: () => Promise.reject(new Error("ECONNREFUSED")),
  save: () => Promise.reject(new Error("ECONNREFUSED")),
  update: () => Promise.reject(new Error("ECONNREFUSED")),
  touch: () => Promise.reject(new Error("ECONNREFUSED")),
  delete: () => Promise.reject(new Error("ECONNREFUSED")),
};
