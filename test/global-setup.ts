import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";

/** One id per `vitest run`: test apps are built once per run (see test/support/next-app.ts). */
export default function setup(project: TestProject): void {
  project.provide("runId", randomUUID());
}

declare module "vitest" {
  export interface ProvidedContext {
    runId: string;
  }
}
