import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { devAppDir } from "./support/dev-app.js";
import { ROOT, testDistDir } from "./support/next-app.js";
import { standaloneCopy, standaloneDistDir } from "./support/standalone-app.js";

/**
 * One id per `vitest run`: test apps are built once per run, into a folder of the run's own
 * (see test/support/next-app.ts), removed when the run ends.
 */
export default function setup(project: TestProject): () => void {
  const runId = randomUUID();
  project.provide("runId", runId);
  return () => {
    for (const dir of [testDistDir(runId), standaloneDistDir(runId)]) rmSync(join(ROOT, "app-example", dir), { recursive: true, force: true });
    for (const dir of [standaloneCopy(runId), devAppDir(runId)]) rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    runId: string;
  }
}
