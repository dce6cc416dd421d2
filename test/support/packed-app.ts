/**
 * A fixture app outside the repository that installs next-session-kit from the tarball
 * `npm pack` makes: proves the published package (exports map, types, dependencies) works for
 * a separate app, and lets a fixture use its own Next version (Next 15 for the Edge
 * middleware). Packing and each install happen once per test run.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { ROOT } from "./next-app.js";
import { oncePerRun } from "./once.js";

/** Runs npm (the one running the tests, when there is one); returns its standard output. */
export function npm(args: string[], cwd: string): string {
  const cli = process.env.npm_execpath;
  const [command, argv] = cli ? [process.execPath, [cli, ...args]] : ["npm", args];
  const result = spawnSync(command, argv, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Runs `make` in a fresh temporary directory once per test run; returns the directory. */
async function once(name: string, make: (dir: string) => void): Promise<string> {
  const dir = join(tmpdir(), `nsk-${inject("runId")}-${name}`);
  const done = join(dir, ".done");
  await oncePerRun(`${dir}.lock`, () => existsSync(done), () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    make(dir);
    writeFileSync(done, "");
  });
  return dir;
}

/** The tarball of the built package (run `npm run build` first; `npm test` does). */
export async function packedTarball(): Promise<string> {
  const dir = await once("pack", (out) => npm(["pack", "--pack-destination", out, "--silent"], ROOT));
  const tarball = readdirSync(dir).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack produced no tarball");
  return join(dir, tarball);
}

/**
 * Copies `test/fixtures/<fixture>` to a temporary directory, adds the packed library as a
 * dependency, installs, and returns the app directory. `files` adds or replaces files first.
 */
export async function packedApp(fixture: string, files: Record<string, string> = {}): Promise<string> {
  const tarball = await packedTarball();
  return once(fixture, (dir) => {
    cpSync(join(ROOT, "test", "fixtures", fixture), dir, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    manifest.dependencies["next-session-kit"] = `file:${tarball}`;
    writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
  });
}
