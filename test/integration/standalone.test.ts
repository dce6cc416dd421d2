/**
 * `output: "standalone"`, the Docker deployment Next documents: app-example built without
 * SESSION_PASSWORD (deferred, as an image build has no secrets), copied out of the repository
 * with its static files, and run as `node server.js` with the secret given at run time. The
 * app's flows pass on the cookie store and on Redis (ioredis, an optional peer, traced in).
 */
import { expect, it } from "vitest";
import { HttpClient } from "../support/http-client.js";
import { TEST_PASSWORD } from "../support/next-app.js";
import { startStandalone } from "../support/standalone-app.js";
import { describeAppFlows, describeAppFlowsOnRedis } from "./app-flows.js";

describeAppFlows("standalone server.js, cookie store", () => ({}), startStandalone);
describeAppFlowsOnRedis("standalone server.js, Redis store", startStandalone);

it("the image holds no password: without SESSION_PASSWORD at run time the server refuses to start", async () => {
  const error = await startStandalone({ SESSION_PASSWORD: undefined }).then(
    async (app) => {
      await app.stop();
      return undefined;
    },
    (caught: unknown) => caught as Error,
  );
  expect(error?.message).toMatch(/node server\.js exited early/);
  expect(error?.message).toMatch(/SESSION_PASSWORD is not set/);
  expect(error?.message).not.toContain(TEST_PASSWORD);
});

it("serves the static files copied beside server.js (/_next/static)", async () => {
  const app = await startStandalone();
  try {
    const client = new HttpClient(app.url);
    const page = await client.get("/login");
    const assets = [...new Set(page.body.match(/\/_next\/static\/[^"]+\.(?:css|js)/g))];
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await client.request(asset)).status, asset).toBe(200);
  } finally {
    await app.stop();
  }
});
