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
 *
 * `cause` keeps only what identifies the client's failure (see `StoreFailure`): store clients
 * put command arguments (session data) on their errors and request bodies (possibly other
 * users' pipelined sessions) in their messages, and errors end up in logs.
 */
export class SessionStoreError extends SessionError {
  override name = "SessionStoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options && { cause: StoreFailure.of(options.cause) });
  }
}

/**
 * A store client's error reduced to its name and code (`ECONNREFUSED`, or the Redis error code
 * that starts a reply such as `OOM …`/`READONLY …`): never its message, arguments or stack.
 */
export class StoreFailure extends Error {
  readonly code: string | undefined;
  private constructor(name: string, code: string | undefined) {
    super(code ? `${name} ${code}` : name);
    this.name = name;
    this.code = code;
  }

  /** `error` as a StoreFailure (errors of this library are kept: they hold nothing of the client's). */
  static of(error: unknown): unknown {
    if (error === undefined || error instanceof StoreFailure || error instanceof SessionError) return error;
    if (!(error instanceof Error)) return new StoreFailure(typeof error, undefined);
    const name = /^[\w$.-]{1,64}$/.test(error.name) ? error.name : "Error";
    const code = (error as { code?: unknown }).code;
    const token = typeof code === "string" ? code : /^([A-Z][A-Z0-9_]{1,31})(?:\s|$)/.exec(String(error.message))?.[1];
    return new StoreFailure(name, token !== undefined && /^[\w-]{1,32}$/.test(token) ? token : undefined);
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
