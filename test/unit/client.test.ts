// next-session-kit/client: the provider hands the server's values to the hook (real React,
// rendered with react-dom/server), and the server entry's built files never reach it.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SessionProvider, useSession } from "../../src/client.js";
import { ROOT } from "../support/next-app.js";

type Values = { name?: string };

function Name() {
  return createElement("b", null, useSession<Values>().name ?? "nobody");
}

describe("SessionProvider and useSession", () => {
  it("returns the values the provider was given, nearest provider first", () => {
    const tree = createElement(SessionProvider<Values>, { value: { name: "Ada" } }, createElement(Name), createElement(SessionProvider<Values>, { value: {} }, createElement(Name)));
    expect(renderToString(tree)).toBe("<b>Ada</b><b>nobody</b>");
  });

  it("throws naming the fix when no provider is above", () => {
    expect(() => renderToString(createElement(Name))).toThrow(/useSession\(\) needs a <SessionProvider value=\{…\}> above it: render one in a Server Component/);
  });

  it("is a \"use client\" module of its own: no built server entry imports it, and it imports only react", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: Record<string, { default?: string }> };
    const client = resolve(ROOT, manifest.exports["./client"]!.default!);
    expect(readFileSync(client, "utf8")).toMatch(/^(\/\*[\s\S]*?\*\/\s*)?"use client";/);
    const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!);
    expect(importsOf(client)).toEqual(["react"]);
    const reached = new Set<string>();
    const walk = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const specifier of importsOf(file)) if (specifier.startsWith(".")) walk(resolve(dirname(file), specifier));
    };
    const entries = Object.entries(manifest.exports).filter(([name, entry]) => name !== "./client" && entry.default?.endsWith(".js"));
    expect(entries.map(([name]) => name)).toContain(".");
    for (const [, entry] of entries) walk(resolve(ROOT, entry.default!));
    expect(reached.size).toBeGreaterThan(10); // the walk follows the real graph (dist is built)
    for (const file of reached) expect(existsSync(file), file).toBe(true);
    expect(reached.has(client)).toBe(false);
  });
});
