/**
 * Assembles one app's engine from its options: validated config, the codec that seals cookies,
 * and the store initialised with what it needs. `createSessions` is this plus the Next adapters.
 */
import type { CookieCodec } from "./codec/cookie-codec.js";
// The Node codec first, or on Edge the Web Crypto one alone: package.json's `imports` picks.
import { sealCodec } from "#iron-codec";
import { signedCodec } from "./codec/signed.js";
import { atRestNames, type AtRestNames } from "./codec/session-id.js";
import { signer } from "./codec/signer.js";
import { resolveConfig, type SessionConfig, type SessionOptions } from "./config.js";
import { SessionEngine } from "./engine.js";
import { SessionConfigError } from "./errors.js";
import { cookieStore } from "./stores/cookie.js";
import type { SessionStore, StoreContext, StoreEvent } from "./stores/types.js";
import { tracedStore } from "./telemetry.js";

function storeContext(config: SessionConfig, codec: CookieCodec, names: AtRestNames, engine: () => SessionEngine): StoreContext {
  const report = (event: StoreEvent) => engine().report({ type: event.type === "unseal-failed" ? "invalid-cookie" : event.type, reason: event.reason });
  const { userKey, cookieName, migrateFromIronSession } = config;
  return { seal: codec.seal, unseal: codec.unseal, userKey, cookieName, names, migrateFromIronSession, report };
}

/** Validates `options` (throwing `SessionConfigError`) and returns the app's engine. */
export function buildEngine(options: SessionOptions<never>): SessionEngine {
  const config = resolveConfig(options);
  const store: SessionStore = tracedStore(options.store ?? cookieStore());
  if (config.devices && !store.serverSide) {
    throw new SessionConfigError("next-session-kit: `devices` needs a server-side store (kvStore(), redisStore() or memoryStore()): the cookie store cannot list sessions. Remove `devices` or change `store`.");
  }
  const codec = config.contentSecurity === "signed" ? signedCodec(config.passwords, config.cookieName, config.sealWith) : sealCodec(config.passwords, config.sealWith);
  const names = atRestNames(config.passwords, config.cookieName, config.sealWith);
  let engine: SessionEngine | undefined;
  store.init?.(storeContext(config, codec, names, () => engine!));
  engine = new SessionEngine(config, store, signer(config.passwords, "session-id", config.cookieName, config.sealWith), codec, names);
  return engine;
}

