// The npm mirror on our build machines serves only the Linux builds of Next's SWC binary, so
// `npm install` leaves the macOS and Windows ones out of package-lock.json and `npm ci` then
// refuses the lock as out of sync. This adds those optional, platform-gated entries back (npm
// skips them on Linux without fetching them; elsewhere they resolve from the public registry).
// Run it after any `npm install` that touches `next`: `node scripts/lock-optional.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const platforms = {
  "darwin-arm64": ["darwin", "arm64"],
  "darwin-x64": ["darwin", "x64"],
  "win32-arm64-msvc": ["win32", "arm64"],
  "win32-x64-msvc": ["win32", "x64"],
};
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!path.endsWith("node_modules/next")) continue;
  const base = path.slice(0, -"next".length);
  for (const [suffix, [os, cpu]] of Object.entries(platforms)) {
    const name = `@next/swc-${suffix}`;
    const at = `${base}${name}`;
    if (!entry.optionalDependencies?.[name] || lock.packages[at]) continue;
    lock.packages[at] = {
      version: entry.optionalDependencies[name],
      cpu: [cpu],
      dev: entry.dev,
      license: "MIT",
      optional: true,
      os: [os],
      engines: { node: ">= 10" },
    };
    added++;
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`lock-optional: added ${added} platform entries`);
