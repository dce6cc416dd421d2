// What each library adds to an Edge `middleware.ts` bundle (issue 12 item 3): one tiny
// middleware per library, as its docs write it, bundled by rolldown (the bundler vite brings,
// already in node_modules) for the Edge runtime (conditions edge-light, worker, browser; the
// react-server condition Next's middleware layer also sets, which is what empties
// `server-only`), minified, with `next` itself left external: every middleware pays for Next's
// runtime alike, so the figure is the library and its dependencies only. Bytes and gzip -9.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";
import { table } from "./lib/measure.mjs";

const ROOT = new URL("..", import.meta.url).pathname;

/** The middlewares: ours twice (cookie store, kvStore on its default client), iron-session's, Auth.js's, better-auth's twice (cookie check, cookie cache read). */
const ENTRIES = [
  {
    id: "ours-cookie",
    label: "next-session-kit, cookie store",
    source: `import { createSessions } from "next-session-kit";
export const { proxy } = createSessions({ password: process.env.SESSION_PASSWORD });
export const middleware = proxy();`,
  },
  {
    id: "ours-kv",
    label: "next-session-kit, kvStore (@upstash/redis)",
    source: `import { createSessions } from "next-session-kit";
import { kvStore } from "next-session-kit/stores/kv";
export const { proxy } = createSessions({ password: process.env.SESSION_PASSWORD, store: kvStore() });
export const middleware = proxy();`,
  },
  {
    id: "iron",
    label: "iron-session 9 (getIronSession + save)",
    source: `import { getIronSession } from "iron-session";
import { NextResponse } from "next/server";
const options = { password: process.env.SESSION_PASSWORD, cookieName: "iron" };
export async function middleware(request) {
  const response = NextResponse.next();
  const session = await getIronSession(request, response, options);
  if (session.userId) await session.save();
  return response;
}`,
  },
  {
    id: "authjs",
    label: "Auth.js v5 (NextAuth, JWT, Credentials)",
    source: `import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
export const { auth: middleware } = NextAuth({
  secret: process.env.SESSION_PASSWORD,
  session: { strategy: "jwt" },
  providers: [Credentials({ credentials: { username: {}, password: {} }, authorize: () => null })],
});`,
  },
  {
    // Its docs' Edge middleware: a cookie-presence check and a redirect (no validation, no session read).
    id: "betterauth",
    label: "better-auth 1.7 (getSessionCookie + redirect: cookie presence only)",
    source: `import { getSessionCookie } from "better-auth/cookies";
import { NextResponse } from "next/server";
export function middleware(request) {
  if (!getSessionCookie(request)) return NextResponse.redirect(new URL("/", request.url));
  return NextResponse.next();
}`,
  },
  {
    // Its docs' alternative: the session read from the cookie cache (here the JWE that its stateless mode writes).
    id: "betterauth-cache",
    label: "better-auth 1.7 (getCookieCache + redirect: decrypts the JWE cookie cache)",
    source: `import { getCookieCache } from "better-auth/cookies";
import { NextResponse } from "next/server";
export async function middleware(request) {
  const session = await getCookieCache(request, { secret: process.env.SESSION_PASSWORD, strategy: "jwe" });
  if (!session) return NextResponse.redirect(new URL("/", request.url));
  return NextResponse.next();
}`,
  },
];

/** The package (or `next-session-kit` for dist/) a bundled module comes from. */
const packageOf = (id) => id.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? (id.includes("/dist/") ? "next-session-kit" : "entry");

/** Bundles one entry: minified bytes, gzip, and the bytes each package contributes (before minification). */
async function bundleOne(entry, dir) {
  const file = join(dir, `bundle-entry-${entry.id}.mjs`);
  writeFileSync(file, entry.source);
  try {
    const bundle = await rolldown({
      input: file,
      platform: "browser",
      // @opentelemetry/api: next-session-kit's optional, lazily imported peer, which Next's bundlers
      // leave out (its import carries webpackIgnore / turbopackIgnore); rolldown ignores those comments.
      external: (id) => id === "next" || id.startsWith("next/") || id === "@opentelemetry/api",
      resolve: { conditionNames: ["edge-light", "worker", "browser", "react-server", "import", "module", "default"] },
      logLevel: "silent",
    });
    const { output } = await bundle.generate({ format: "esm", minify: true, codeSplitting: false });
    await bundle.close();
    const packages = {};
    for (const chunk of output) {
      for (const [id, info] of Object.entries(chunk.modules ?? {})) packages[packageOf(id)] = (packages[packageOf(id)] ?? 0) + info.renderedLength;
    }
    const code = output.map((chunk) => chunk.code ?? "").join("");
    return { id: entry.id, label: entry.label, bytes: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, packages };
  } finally {
    rmSync(file, { force: true });
  }
}

/** Bundles every entry; returns `{ rows: [{ id, label, bytes, gzip, packages }], bundler }`. */
export async function measureBundles({ log = () => {} } = {}) {
  // Inside the repository (bench/.results is ignored by git), so `next-session-kit` resolves by self-reference.
  const dir = join(ROOT, "bench", ".results");
  mkdirSync(dir, { recursive: true });
  const rows = [];
  for (const entry of ENTRIES) {
    const row = await bundleOne(entry, dir);
    rows.push(row);
    log(`  bundle ${entry.id}: ${row.bytes} B, ${row.gzip} B gzip`);
  }
  const { version } = (await import("rolldown/package.json", { with: { type: "json" } })).default;
  return { rows, bundler: `rolldown ${version}` };
}

export function bundleMarkdown(bundles) {
  return [
    `Each library's documented Edge middleware, bundled by ${bundles.bundler} for the Edge runtime (conditions edge-light, worker, browser, react-server), ` +
      "minified, `next` itself external (every middleware pays for Next's own runtime alike), and `@opentelemetry/api` too (our optional peer, imported lazily with " +
      "webpackIgnore / turbopackIgnore, which Next's bundlers honour and rolldown does not): the library and its dependencies only. Entries: bench/bundle.mjs.",
    "",
    table(
      ["middleware", "bytes (minified)", "gzip -9", "largest parts (bytes before minification)"],
      bundles.rows.map((r) => [
        r.label,
        r.bytes,
        r.gzip,
        Object.entries(r.packages)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([name, bytes]) => `${name} ${bytes}`)
          .join(", "),
      ]),
    ),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(bundleMarkdown(await measureBundles({ log: console.log })));
