/**
 * next-session-kit: sessions for the Next.js App Router. Configure once with
 * `createSessions()`, read and write with `await getSession()`, renew and purge in the proxy.
 */
import { isBuildPhase, type SessionOptions } from "./config.js";
import { SessionEngine } from "./engine.js";
import { SessionConfigError, SessionUnsupportedError } from "./errors.js";
import { proxyFactory, type ProxyFunction, type ProxyHandler } from "./next/proxy.js";
import { sessionGetter } from "./next/server.js";
import type { Session } from "./session.js";
import { buildEngine } from "./setup.js";
import type { SessionInfo, SessionStore } from "./stores/types.js";

export type { CookieOptions, RenewalOptions, SessionEvent, SessionOptions } from "./config.js";
export {
  SessionConfigError,
  SessionError,
  SessionReadOnlyError,
  SessionStoreError,
  SessionTooLargeError,
  SessionUnsupportedError,
  SessionValidationError,
} from "./errors.js";
export { combineProxies } from "./next/combine.js";
export type { ProxyFunction, ProxyHandler } from "./next/proxy.js";
export type { Session, SessionStatus } from "./session.js";
export type {
  DeviceInfo,
  JsonValue,
  SessionChanges,
  SessionInfo,
  SessionRecord,
  SessionStore,
  StoreContext,
  StoreEvent,
  TouchRequest,
  UnsealResult,
} from "./stores/types.js";

/** What `createSessions` returns; every member works when destructured. */
export interface Sessions<Data extends object = Record<string, unknown>> {
  /** The request's session (Server Components: read-only; Actions and Route Handlers: read-write). */
  getSession(): Promise<Session<Data>>;
  /** The handler to export from `proxy.ts` / `middleware.ts`. */
  proxy(handler?: ProxyHandler<Data>): ProxyFunction;
  /** Live sessions of a user (server-side stores); `current` marks the caller's own session. */
  listSessions(userId: string, options?: { current?: string }): Promise<Array<SessionInfo & { current: boolean }>>;
  /** "Log out everywhere": deletes a user's sessions except `except` (e.g. `session.id`). */
  revokeSessions(userId: string, options?: { except?: string | string[] }): Promise<number>;
  /**
   * "Log out this device": ends the one session of `userId` whose `SessionInfo.handle` is
   * `handle` (from `listSessions`). Resolves false, ending nothing, when the user has no such
   * session, so a handle posted by one user can never end another user's session.
   */
  revokeSession(userId: string, handle: string): Promise<boolean>;
}

/**
 * Configures sessions once per app (e.g. in `lib/session.ts`). Validates every option now and
 * throws `SessionConfigError` naming the fix; a secret that is merely missing during
 * `next build` is reported at the first request instead, so Docker and CI builds pass.
 */
export function createSessions<Data extends object = Record<string, unknown>>(
  options: SessionOptions<Data>,
): Sessions<Data> {
  let engine: SessionEngine | undefined;
  let deferred: SessionConfigError | undefined;
  try {
    engine = buildEngine(options as SessionOptions<never>);
  } catch (error) {
    if (!(error instanceof SessionConfigError && error.missing && isBuildPhase())) throw error;
    deferred = error;
  }
  const ready = (): SessionEngine => {
    if (deferred) throw deferred;
    return engine!;
  };
  const serverStore = (what: "listSessions" | "revokeSessions" | "revokeSession"): SessionStore => {
    const store = ready().store;
    if (!store[what]) {
      throw new SessionUnsupportedError(
        `next-session-kit: ${what}() needs a server-side store that implements it: the cookie store keeps sessions only in browsers, so it cannot find or revoke them. Use kvStore() or redisStore().`,
      );
    }
    return store;
  };
  return {
    getSession: sessionGetter<Data>(ready),
    proxy: proxyFactory<Data>(ready),
    async listSessions(userId, options) {
      const list = await serverStore("listSessions").listSessions!(userId);
      const current = options?.current === undefined ? undefined : await ready().names.session(options.current);
      return list.map((info) => ({ ...info, current: info.handle === current }));
    },
    async revokeSessions(userId, options) {
      const except = options?.except === undefined ? [] : ([] as string[]).concat(options.except);
      return serverStore("revokeSessions").revokeSessions!(userId, except);
    },
    async revokeSession(userId, handle) {
      const store = serverStore("revokeSession");
      if (typeof userId !== "string" || typeof handle !== "string") return false;
      return store.revokeSession!(userId, handle);
    },
  };
}
