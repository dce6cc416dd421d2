import { fileURLToPath } from "node:url";

// The bench app lives two folders down in the library's repository and imports the library as
// `next-session-kit` (the repository's own package, resolved by self-reference to ../../dist):
// trace files and resolve modules from the repository root, as app-example does.
const root = fileURLToPath(new URL("../..", import.meta.url));

/** @type {import("next").NextConfig} */
const nextConfig = {
  outputFileTracingRoot: root,
  turbopack: { root },
  serverExternalPackages: ["ioredis"],
  poweredByHeader: false,
};

export default nextConfig;
