/**
 * CSRF protection for Route Handlers: Next checks the Origin of Server Actions only, and a
 * SameSite=Lax cookie still travels with a form post from a sibling origin of the same site
 * (another subdomain, another port). So the proxy refuses an unsafe request that carries the
 * session cookie and that the browser says comes from another origin.
 *
 * The browser's word is `Sec-Fetch-Site` (every current browser sends it); without it,
 * `Origin`, then `Referer`, compared with the Host the request was sent to (as Next compares
 * Server Actions). A request with none of them is not from a browser page (curl, a server) and
 * passes: such clients cannot be tricked into sending a user's cookie.
 */

/** Methods that may change state; GET, HEAD and OPTIONS must not, so they are never refused. */
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The parts of a request the check reads (a `NextRequest` has them). */
export interface CheckedRequest {
  method: string;
  headers: { get(name: string): string | null; has(name: string): boolean };
}

function originOf(url: string | null): string | undefined {
  if (!url) return undefined;
  if (url === "null") return "null"; // an opaque origin (sandboxed frame, data: URL): never ours
  try {
    return new URL(url).origin;
  } catch {
    return "null";
  }
}

/** The host the request was sent to, as a proxy in front of Next forwards it. */
function targetHost(headers: CheckedRequest["headers"]): string | undefined {
  return headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host") || undefined;
}

/**
 * True when `request` is an unsafe request from another origin that is not in `allowedOrigins`
 * (full origins such as "https://admin.example.com"). Server Actions (a `next-action` header,
 * which a cross-origin page cannot add without a CORS preflight) are left to Next's own check.
 */
export function isCrossOriginWrite(request: CheckedRequest, allowedOrigins: ReadonlySet<string>): boolean {
  if (!UNSAFE.has(request.method.toUpperCase())) return false;
  const headers = request.headers;
  if (headers.has("next-action")) return false;
  const origin = originOf(headers.get("origin")) ?? originOf(headers.get("referer"));
  if (origin !== undefined && allowedOrigins.has(origin)) return false;
  const site = headers.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  if (origin === undefined) return false;
  return origin === "null" || new URL(origin).host !== targetHost(headers);
}
