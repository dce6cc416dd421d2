/**
 * Several session configurations in one `proxy.ts` (the site's session and an admin area's own
 * cookie, say): Next allows one proxy per app, and each configuration must still renew, purge
 * and gate its own session. They run in the order given; the first handler that returns a
 * response answers the request, carrying every cookie change made so far, and a handler that
 * returns nothing hands the request on to the next configuration.
 */
import { SessionConfigError } from "../errors.js";
import { PROXY_PART, type ProxyFunction, type ProxyPart } from "./proxy.js";

function partOf(proxy: ProxyFunction): ProxyPart {
  const part = (proxy as { [PROXY_PART]?: ProxyPart } | undefined)?.[PROXY_PART];
  if (!part) {
    throw new SessionConfigError(
      "next-session-kit: combineProxies() takes the proxies of session configurations: pass sessions.proxy() or sessions.proxy(handler) of each createSessions().",
    );
  }
  return part;
}

/** Two configurations on one cookie name would read and overwrite each other's cookie. */
function checkCookieNames(parts: ProxyPart[]): void {
  const seen = new Set<string>();
  for (const part of parts) {
    const name = part.cookieName();
    if (seen.has(name)) {
      throw new SessionConfigError(
        `next-session-kit: combineProxies() got two session configurations on the cookie "${name}": give each createSessions() its own cookie: { name }.`,
      );
    }
    seen.add(name);
  }
}

/**
 * One proxy for several `createSessions()` configurations:
 * `export default combineProxies(admin.proxy(adminGate), site.proxy(siteGate))`.
 */
export function combineProxies(...proxies: ProxyFunction[]): ProxyFunction {
  if (proxies.length === 0) throw new SessionConfigError("next-session-kit: combineProxies() needs at least one sessions.proxy().");
  const parts = proxies.map(partOf);
  let checked = false;
  try {
    checkCookieNames(parts);
    checked = true;
  } catch (error) {
    // A secret missing while `next build` runs: the first request reports it (and checks again).
    if (!(error instanceof SessionConfigError && error.missing)) throw error;
  }
  const combined = parts.slice(0, -1).reduceRight((inner, part) => part.withInner(inner), proxies.at(-1)!);
  return async function combinedProxy(request) {
    if (!checked) {
      checkCookieNames(parts);
      checked = true;
    }
    return combined(request);
  };
}
