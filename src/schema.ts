/**
 * Optional validation of session data with any Standard Schema library. Validation runs on
 * `save` (a bad write is a bug: throw) and on read (a bad cookie is old or hostile: drop it).
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { SessionValidationError } from "./errors.js";

type Issues = ReadonlyArray<StandardSchemaV1.Issue>;

function pathOf(issue: StandardSchemaV1.Issue): string {
  const parts = (issue.path ?? []).map((part) => String(typeof part === "object" ? part.key : part));
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
  if (!issues) return;
  const detail = issues.map((issue) => `${pathOf(issue)}: ${issue.message}`).join("; ");
  throw new SessionValidationError(
    `next-session-kit: session data does not match the schema (${detail}). Fix the value before save().`,
    issues.map((issue) => ({ message: issue.message, path: (issue.path ?? []).map((p) => (typeof p === "object" ? p.key : p)) })),
  );
}
