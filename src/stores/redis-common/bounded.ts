/**
 * Every store call has a deadline: an unreachable Redis must fail the request quickly with a
 * `SessionStoreError` (never a logout), not hang it until the platform kills the function.
 */
import { SessionError, SessionStoreError } from "../../errors.js";

/** Default deadline of one store call, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 2000;

class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** Why a call failed, safe to print: the error's name and code, never its message or data. */
function failure(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${error.name} ${code}` : error.name;
}

/**
 * Runs `work` with a deadline. Failures and timeouts become `SessionStoreError` with the
 * original error as `cause`; the message names the store and operation only.
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
    const why = error instanceof TimeoutError ? error.message : failure(error);
    throw new SessionStoreError(`next-session-kit: ${store} could not ${operation} (${why}). The session is kept and works again once the store answers.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
