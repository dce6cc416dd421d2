import { fileURLToPath } from "node:url";

/** Next.js configuration of app-example (run with `npm run example`). */
const nextConfig = {
  // The example lives in a sub-folder of the library's repository; trace files from the root.
  outputFileTracingRoot: fileURLToPath(new URL(".", import.meta.url)),
  turbopack: { root: fileURLToPath(new URL(".", import.meta.url)) },
  // Store clients are optional peers of the library: keep them out of the server bundles.
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
  // Test runs build into a folder of their own, so they never replace the files of a running
  // `npm run example` (or of another test run).
  distDir: process.env.NSK_NEXT_DIST_DIR || ".next",
  // NSK_NEXT_OUTPUT=standalone: the self-contained server of a Docker image (README, "Docker").
  output: process.env.NSK_NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
};

export default nextConfig;
