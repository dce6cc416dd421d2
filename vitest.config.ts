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
    // Compile-only type tests of the public API (tsc on test/types/*.test-d.ts).
    typecheck: { enabled: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: "forks",
    // A test that asserts nothing cannot fail: every test must make at least one assertion.
    expect: { requireAssertions: true },
  },
});
