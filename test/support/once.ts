/**
 * Work done once per test run although test files run in parallel processes: the first to
 * take the lock directory does it, the others wait until `done()` holds.
 */
import { mkdirSync, rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export async function oncePerRun(lock: string, done: () => boolean, make: () => void): Promise<void> {
  while (!done()) {
    try {
      mkdirSync(lock);
    } catch {
      await sleep(500);
      continue;
    }
    try {
      if (!done()) make();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
