import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^next-session-kit\/stores\/(.*)$/, replacement: new URL("./src/stores/$1.ts", import.meta.url).pathname },
      { find: /^next-session-kit$/, replacement: new URL("./src/index.ts", import.meta.url).pathname },
      // package.json's `imports` name dist/ files; tests run the sources (Node: the Node-first codec).
      { find: /^#iron-codec$/, replacement: new URL("./src/codec/iron-codec.ts", import.meta.url).pathname },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Compile-only type tests of the public API (tsc on test/types/*.test-d.ts).
    typecheck: { enabled: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: "forks",
    // One test file at a time: the proxy, browser and outage files wait on real timeouts
    // (renewal, idle, store deadlines) and must not share the CPU with another file's `next
    // start`. On the 2-core machine this is what vitest's default (cores - 1 workers) did anyway.
    fileParallelism: false,
    // A test that asserts nothing cannot fail: every test must make at least one assertion.
    expect: { requireAssertions: true },
  },
});
