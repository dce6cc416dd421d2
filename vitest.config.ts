import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^next-session-kit\/stores\/(.*)$/, replacement: new URL("./src/stores/$1.ts", import.meta.url).pathname },
      { find: /^next-session-kit$/, replacement: new URL("./src/index.ts", import.meta.url).pathname },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: "forks",
    // A test that asserts nothing cannot fail: every test must make at least one assertion.
    expect: { requireAssertions: true },
  },
});
