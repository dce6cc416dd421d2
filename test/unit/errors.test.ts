/**
 * Every public error is a `SessionError` at run time, so one `instanceof` check tells session
 * trouble from an app's own (the type tests cannot see this: classes compare structurally).
 * The classes come from errors.ts, which the entry point re-exports as they are.
 */
import { describe, expect, it } from "vitest";
import {
  SessionConfigError,
  SessionError,
  SessionReadOnlyError,
  SessionStoreError,
  SessionTooLargeError,
  SessionUnsupportedError,
  SessionValidationError,
} from "../../src/errors.js";

describe("error classes", () => {
  it.each([
    ["SessionConfigError", new SessionConfigError("x")],
    ["SessionReadOnlyError", new SessionReadOnlyError("save")],
    ["SessionStoreError", new SessionStoreError("x")],
    ["SessionTooLargeError", new SessionTooLargeError("x")],
    ["SessionUnsupportedError", new SessionUnsupportedError("x")],
    ["SessionValidationError", new SessionValidationError("x", [])],
  ])("%s is a SessionError and an Error, named after its class", (name, error) => {
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
  });
});
