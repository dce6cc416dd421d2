/**
 * Which user a session belongs to, for `listSessions` / `revokeSessions`: the `userKey` field,
 * a string or a finite number. Numbers are indexed as their string form, so `set("userId", 42)`
 * then `revokeSessions("42")` ends that session. Other values are refused when set on a
 * server-side store (see the engine), so no session escapes "log out everywhere" by its type.
 */

/** The user id a session's data names, as text; undefined when it names none. */
export function indexedUser(data: Readonly<Record<string, unknown>>, userKey: string): string | undefined {
  const user = Object.hasOwn(data, userKey) ? data[userKey] : undefined;
  if (typeof user === "string") return user;
  return typeof user === "number" && Number.isFinite(user) ? String(user) : undefined;
}

/** Whether `value` can name a user (what `set(userKey, value)` accepts on a server-side store). */
export function isUserId(value: unknown): boolean {
  return value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}
