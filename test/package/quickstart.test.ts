// `npm pack` installs into a fresh Next app, and the README's quick-start code type-checks and builds there.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ensureBuilt, ROOT } from "../support/next-app.js";
import { npm, packedApp } from "../support/packed-app.js";

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
  expect(Object.keys(files).sort()).toEqual([
    "app/actions.ts",
    "app/dashboard/cart-badge.tsx",
    "app/dashboard/page.tsx",
    "lib/session-data.ts",
    "lib/session.ts",
    "proxy.ts",
  ]);
  const dir = await packedApp("quickstart", files);
  const tsc = createRequire(join(dir, "package.json")).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "--noEmit", "-p", dir], { cwd: dir, encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
  // The package ships ESM with types for every subpath export.
  const manifest = JSON.parse(readFileSync(join(dir, "node_modules/next-session-kit/package.json"), "utf8"));
  for (const entry of [".", "./stores/cookie", "./stores/memory", "./stores/kv", "./stores/redis", "./client"]) {
    expect(manifest.exports[entry]).toMatchObject({ types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) });
  }
}, 600_000);

/** Every path a manifest value names (`exports` and `imports` with their conditions, `bin`), as `npm pack` lists it. */
function namedPaths(value: unknown): string[] {
  if (typeof value === "string") return [value.replace(/^\.\//, "")];
  return Object.values(value as Record<string, unknown>).flatMap(namedPaths);
}

it("every file that package.json's `exports` (types and default), `imports` and `bin` name is in the `npm pack` tarball", () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const [pack] = JSON.parse(npm(["pack", "--dry-run", "--json", "--silent"], ROOT)) as [{ files: { path: string }[] }];
  const packed = new Set(pack.files.map((file) => file.path));
  const named = [...namedPaths(manifest.exports), ...namedPaths(manifest.imports), ...namedPaths(manifest.bin)];
  // The walk found the conditions, not just the subpaths (a `types` and a `default` per subpath).
  expect(named).toEqual(expect.arrayContaining(["dist/index.d.ts", "dist/index.js", "dist/stores/kv.d.ts", "dist/client.js", "dist/cli.js"]));
  // The Iron codec: the Node-first one by default, the Web Crypto one under Edge's conditions.
  expect(named).toEqual(expect.arrayContaining(["dist/codec/iron-codec.js", "dist/codec/iron-codec-edge.js"]));
  expect(named.filter((path) => !packed.has(path))).toEqual([]);
});

it("`npx next-session-kit secret` from the packed package prints passwords that createSessions accepts; weak ones are refused with the fix", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("\n## ", readme.indexOf("## Quick start") + 1));
  expect(quickStart).toContain("npx next-session-kit secret");
  // The same app as the quick-start test (installed once per run, whichever test comes first).
  const dir = await packedApp("quickstart", quickStartFiles(readme, "Quick start (Next 16)"));
  const run = (command: string[], args: string[], input?: string) => {
    const result = spawnSync(command[0]!, [...command.slice(1), ...args], { cwd: dir, encoding: "utf8", input });
    expect(result.stderr, `${args.join(" ")}: ${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
    return result.stdout;
  };
  const npx = (...args: string[]) => run([process.execPath, process.env.npm_execpath!, "exec", "--offline", "--"], ["next-session-kit", ...args]);

  const secret = npx("secret");
  const password = /^SESSION_PASSWORD=([A-Za-z0-9_-]+)$/m.exec(secret)?.[1];
  expect(secret.split("\n")[0]).toBe(password); // the password itself, then the .env.local line
  expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
  expect(Buffer.from(password!, "base64url")).toHaveLength(32);
  const rotated = npx("secret", "--rotate");
  const next = /^SESSION_PASSWORD_2=([A-Za-z0-9_-]{43})$/m.exec(rotated)?.[1];
  expect(rotated).toContain("password: { 2: process.env.SESSION_PASSWORD_2!, 1: process.env.SESSION_PASSWORD! }");
  expect(new Set([password, next, /^SESSION_PASSWORD=(.+)$/m.exec(npx("secret"))?.[1]]).size).toBe(3); // fresh every time

  // The packed library itself (react-server: createSessions sits behind next/headers' server-only guard).
  const check = `
    import { createSessions, SessionConfigError } from "next-session-kit";
    const env = process.env;
    createSessions({ password: env.SESSION_PASSWORD });
    createSessions({ password: { 2: env.SESSION_PASSWORD_2, 1: env.SESSION_PASSWORD } });
    for (const weak of ["a".repeat(64), "abcdefgh".repeat(5)]) {
      try { createSessions({ password: weak }); throw new Error("accepted " + weak); }
      catch (error) { if (!(error instanceof SessionConfigError)) throw error; console.log(error.message); }
    }`;
  const result = spawnSync(process.execPath, ["--conditions=react-server", "--input-type=module", "-e", check], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, SESSION_PASSWORD: password, SESSION_PASSWORD_2: next },
  });
  expect(result.stderr).toBe("");
  const refusals = result.stdout.trim().split("\n");
  expect(refusals).toHaveLength(2);
  for (const message of refusals) expect(message).toMatch(/`password` has too little variety.*npx next-session-kit secret/);
}, 600_000);

it("the quick start's split builds: a Client Component imports types and defaults from lib/session-data.ts, not the server-only lib/session.ts", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const files = quickStartFiles(readme, "Quick start (Next 16)");
  expect(files["app/dashboard/cart-badge.tsx"]).toMatch(/^"use client";$/m);
  expect(files["app/dashboard/cart-badge.tsx"]).toContain(`from "../../lib/session-data"`);
  expect(files["lib/session-data.ts"]).not.toContain("next-session-kit");
  expect(files["lib/session.ts"]).toContain(`import type { SessionData } from "./session-data"`);
  // The same app as the tests above; a real `next build` (throws with Next's output on failure).
  await ensureBuilt(await packedApp("quickstart", files));
}, 600_000);

it("without @opentelemetry/api installed, the packed package never loads it: one lazy, failed resolution at the first proxy run, and requests work", async () => {
  const dir = await packedApp("quickstart", quickStartFiles(readFileSync(join(ROOT, "README.md"), "utf8"), "Quick start (Next 16)"));
  // Node's module hooks see every import and require the process resolves, the library's lazy one included.
  const script = `
    import { registerHooks } from "node:module";
    const attempts = [];
    registerHooks({ resolve(specifier, context, next) { if (specifier.startsWith("@opentelemetry/")) attempts.push(specifier); return next(specifier, context); } });
    try { import.meta.resolve("@opentelemetry/api"); throw new Error("@opentelemetry/api is installed in the fixture"); } catch (error) { if (error.code !== "ERR_MODULE_NOT_FOUND") throw error; }
    attempts.length = 0;
    const { createSessions } = await import("next-session-kit");
    const { memoryStore } = await import("next-session-kit/stores/memory");
    const { NextRequest } = await import("next/server.js");
    const { proxy } = createSessions({ password: process.env.SESSION_PASSWORD, store: memoryStore() });
    const before = attempts.length;
    const login = await proxy(async (_request, session) => void (await session.set("userId", "ada").save()))(new NextRequest("https://app.example.com/"));
    const cookie = login.headers.getSetCookie()[0].split(";")[0];
    let seen;
    await proxy((_request, session) => void (seen = session.get("userId")))(new NextRequest("https://app.example.com/", { headers: { cookie } }));
    console.log(JSON.stringify({ before, attempts, seen }));`;
  const result = spawnSync(process.execPath, ["--conditions=react-server", "--input-type=module", "-e", script], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, SESSION_PASSWORD: "A-fresh-password-with-variety-0123456789" },
  });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({ before: 0, attempts: ["@opentelemetry/api"], seen: "ada" });
}, 600_000);
