/**
 * Optional validation of session data with any Standard Schema library. A bad write is a bug,
 * so it throws: at `set` for the key being set (when the schema validates synchronously), and
 * at `save` for the whole data. Bad stored data is old or hostile, so a read drops it.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { SessionValidationError } from "./errors.js";

type Issues = ReadonlyArray<StandardSchemaV1.Issue>;

function pathOf(issue: StandardSchemaV1.Issue): string {
  const parts = (issue.path ?? []).map((part) => String(pathKey(part)));
  return parts.length ? parts.join(".") : "(root)";
}

/** Runs the schema; returns its issues or undefined when valid. */
export async function schemaIssues(schema: StandardSchemaV1, data: unknown): Promise<Issues | undefined> {
  const result = await schema["~standard"].validate(data);
  return result.issues?.length ? result.issues : undefined;
}

/** Throws `SessionValidationError` naming each failing path. */
export async function assertValid(schema: StandardSchemaV1 | undefined, data: unknown): Promise<void> {
  if (!schema) return;
  const issues = await schemaIssues(schema, data);
  if (issues) throwIssues(issues);
}

/**
 * At `set(key, …)`: throws for issues under `key` only (other keys may be mid-update). Skipped
 * for schemas that validate asynchronously; `save` checks everything anyway.
 */
export function assertKeyValid(schema: StandardSchemaV1 | undefined, data: unknown, key: string): void {
  const result = schema?.["~standard"].validate(data);
  if (!result || result instanceof Promise) return;
  const issues = result.issues?.filter((issue) => pathKey(issue.path?.[0]) === key);
  if (issues?.length) throwIssues(issues);
}

const pathKey = (part: PropertyKey | StandardSchemaV1.PathSegment | undefined) => (typeof part === "object" ? part.key : part);

function throwIssues(issues: Issues): never {
  const detail = issues.map((issue) => `${pathOf(issue)}: ${issue.message}`).join("; ");
  throw new SessionValidationError(
    `next-session-kit: session data does not match the schema (${detail}). Fix the value before saving it.`,
    issues.map((issue) => ({ message: issue.message, path: (issue.path ?? []).map(pathKey) as PropertyKey[] })),
  );
}
