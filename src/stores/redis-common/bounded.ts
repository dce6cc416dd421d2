/**
 * Every store call has a deadline: an unreachable Redis must fail the request quickly with a
 * `SessionStoreError` (never a logout), not hang it until the platform kills the function.
 */
import { SessionConfigError, SessionError, SessionStoreError, StoreFailure } from "../../errors.js";

/** Default deadline of one store call, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 2000;

/**
 * The `timeoutMs` option: a finite positive number. `Infinity`/`NaN` would silently disable the
 * deadline (setTimeout runs those at once or never), and 0 would fail every call.
 */
export function checkTimeout(store: string, timeoutMs: unknown): number {
  if (timeoutMs === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2 ** 31 - 1) {
    throw new SessionConfigError(
      `next-session-kit: ${store}({ timeoutMs }) must be a finite number of milliseconds above 0 (got ${String(timeoutMs)}); the default is ${DEFAULT_TIMEOUT_MS}. A store call past it fails with SessionStoreError instead of hanging the request.`,
    );
  }
  return timeoutMs;
}

class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * Runs `work` with a deadline. Failures and timeouts become `SessionStoreError` naming the store
 * and operation, with the client's error reduced to its name and code as `cause`.
 */
export async function bounded<T>(store: string, operation: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The error is made only when the deadline passes: building one per call costs measurable CPU.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } catch (error) {
    if (error instanceof SessionError) throw error;
    const why = error instanceof TimeoutError ? error.message : (StoreFailure.of(error) as StoreFailure).message;
    throw new SessionStoreError(`next-session-kit: ${store} could not ${operation} (${why}). The session is kept and works again once the store answers.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
