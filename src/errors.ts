/**
 * Every error this library throws is a `SessionError`, so an app can tell session trouble from
 * its own with one `instanceof` check. Messages always say what to do next.
 */
export class SessionError extends Error {
  override name = "SessionError";
}

/** The options given to `createSessions` cannot work; the message names the fix. */
export class SessionConfigError extends SessionError {
  override name = "SessionConfigError";
  /**
   * A runtime secret (password, KV variables) is merely absent. `next build` evaluates modules
   * without them in Docker and CI, so during the build this is raised at the first request.
   */
  readonly missing: boolean;
  constructor(message: string, options?: { missing?: boolean }) {
    super(message);
    this.missing = options?.missing ?? false;
  }
}

/** A write (`save`, `renew`, `destroy`) was attempted where Next.js forbids setting cookies. */
export class SessionReadOnlyError extends SessionError {
  override name = "SessionReadOnlyError";
  constructor(what: string) {
    super(
      `session.${what}() cannot run in a Server Component: Next.js only lets Server Actions, ` +
        `Route Handlers and the proxy (proxy.ts / middleware.ts) set cookies. Move this call ` +
        `into a Server Action or a Route Handler; renewal already happens in the proxy.`,
    );
  }
}

/**
 * The store could not be reached or failed. Never turned into a logout: the cookie is left as
 * it is so the session works again once the store is back.
 */
export class SessionStoreError extends SessionError {
  override name = "SessionStoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The session does not fit in cookies; a server-side store has no such limit. */
export class SessionTooLargeError extends SessionError {
  override name = "SessionTooLargeError";
}

/** The store cannot do this (the cookie store cannot list or revoke sessions). */
export class SessionUnsupportedError extends SessionError {
  override name = "SessionUnsupportedError";
}

/** Data given to `set`/`save` fails the `schema`; `issues` says where. */
export class SessionValidationError extends SessionError {
  override name = "SessionValidationError";
  readonly issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey> }>;
  constructor(message: string, issues: SessionValidationError["issues"]) {
    super(message);
    this.issues = issues;
  }
}
