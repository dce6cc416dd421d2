// `npm pack` installs into a fresh Next app, and the README's quick-start code type-checks there.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../support/next-app.js";
import { packedApp } from "../support/packed-app.js";

/** The code blocks of a README section whose first line names their file: `// lib/session.ts`. */
export function quickStartFiles(readme: string, section: string): Record<string, string> {
  const start = readme.indexOf(`## ${section}`);
  const end = readme.indexOf("\n## ", start + 1);
  const files: Record<string, string> = {};
  for (const [, code] of readme.slice(start, end).matchAll(/```tsx?\n([\s\S]*?)```/g)) {
    const path = /^\/\/ ([\w./-]+\.tsx?)\n/.exec(code!)?.[1];
    if (path) files[path] = code!;
  }
  return files;
}

it("the README quick start type-checks against the packed package", async () => {
  const files = quickStartFiles(readFileSync(join(ROOT, "README.md"), "utf8"), "Quick start (Next 16)");
  expect(Object.keys(files).sort()).toEqual(["app/actions.ts", "app/dashboard/page.tsx", "lib/session.ts", "proxy.ts"]);
  const dir = await packedApp("quickstart", files);
  const tsc = createRequire(join(dir, "package.json")).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "--noEmit", "-p", dir], { cwd: dir, encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
  // The package ships ESM with types for every subpath export.
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules/next-session-kit/package.json"), "utf8"));
  for (const entry of [".", "./stores/cookie", "./stores/memory", "./stores/kv", "./stores/redis"]) {
    expect(manifest.exports[entry]).toMatchObject({ types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) });
  }
}, 600_000);
