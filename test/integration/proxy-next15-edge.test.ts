// Next 15 with an Edge-runtime `middleware.ts`, installed from the packed tarball.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { HttpClient } from "../support/http-client.js";
import { ensureBuilt, startApp } from "../support/next-app.js";
import { packedApp } from "../support/packed-app.js";
import { describeProxy, SHORT_TIMEOUTS } from "./proxy-flows.js";

describeProxy("Next 15 middleware.ts on the Edge runtime, cookie store", async () => {
  const app = await startApp(SHORT_TIMEOUTS, await packedApp("next15-edge"));
  const login = async (client: HttpClient) => {
    const response = await client.request("/api/login", { method: "POST", body: JSON.stringify({ userId: "ada" }) });
    expect(response.status).toBe(200);
  };
  return { app, login, page: "/private", guarded: "/private", stop: app.stop };
});

it("Next's Edge bundle of the middleware takes package.json's #iron-codec under edge-light: the Web Crypto codec, not the node:crypto one", async () => {
  const dir = await packedApp("next15-edge");
  await ensureBuilt(dir);
  const { sources } = JSON.parse(readFileSync(join(dir, ".next/server/middleware.js.map"), "utf8")) as { sources: string[] };
  const ours = sources.filter((source) => source.includes("node_modules/next-session-kit/dist/"));
  expect(ours.some((source) => source.endsWith("/dist/codec/iron-codec-edge.js"))).toBe(true);
  expect(ours.filter((source) => /\/dist\/codec\/iron-(codec|node)\.js$/.test(source))).toEqual([]);
});
