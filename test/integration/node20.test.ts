/**
 * `engines` says Node >= 20.9, Next 16's own floor. This runs app-example's
 * flows and the proxy's renewal under a real Node 20 (the machine's system node; the build
 * itself runs on the test runner's Node), on the cookie store (seals) and Redis (signed ids).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../support/http-client.js";
import { startApp } from "../support/next-app.js";
import { describeAppFlows, describeAppFlowsOnRedis } from "./app-flows.js";
import { describeProxy, SHORT_TIMEOUTS } from "./proxy-flows.js";

/** The first `node` on PATH (or /usr/bin/node) whose major version is 20. */
function findNode20(): string | undefined {
  const onPath = spawnSync("which", ["-a", "node"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  return [...onPath, "/usr/bin/node"].find((node) => /^v20\./.test(spawnSync(node, ["--version"], { encoding: "utf8" }).stdout ?? ""));
}

const node20 = findNode20();
const version = node20 ? spawnSync(node20, ["--version"], { encoding: "utf8" }).stdout.trim() : "none";

it("a Node 20 at least as new as engines' floor runs these tests", () => {
  expect(node20, "no Node 20 binary on PATH or at /usr/bin/node (Debian's nodejs package)").toBeDefined();
  const [major, minor] = version.slice(1).split(".").map(Number) as [number, number];
  expect(major).toBe(20);
  expect(minor).toBeGreaterThanOrEqual(9);
});

describe.skipIf(!node20)(`on Node ${version}`, () => {
  const onNode20 = (env: Record<string, string>) => startApp(env, undefined, node20);
  describeAppFlows(`cookie store, Node ${version}`, () => ({}), onNode20);
  describeAppFlowsOnRedis(`Redis store, Node ${version}`, onNode20);
  describeProxy(`Next 16 proxy.ts, cookie store, Node ${version}`, async () => {
    const app = await startApp(SHORT_TIMEOUTS, undefined, node20);
    const login = async (client: HttpClient) => {
      expect((await client.submit("/login", { username: "ada", password: "lovelace" })).status).toBe(303);
    };
    return { app, login, page: "/dashboard", guarded: "/dashboard", stop: app.stop };
  });
});
