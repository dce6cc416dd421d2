/**
 * Where the login form may send the user afterwards: a path on this site only. The `next`
 * parameter comes from the URL, so anyone can craft a login link; without this check it is an
 * open redirect (a real login page that lands the user on the attacker's site).
 */

/** A placeholder origin: a value that resolves elsewhere names another host. */
const ORIGIN = "http://x.invalid";

/** Where a refused value sends the user. */
const HOME = "/";

/**
 * `value` when it is a path on this site, otherwise "/". Browsers read `\` as `/` and drop tabs
 * and newlines, so `/\host` or `/\t/host` mean `//host` (another host): the value must start with
 * exactly one `/` and resolve to this origin. Its percent-decoding is checked too (`/%2F%2Fhost`),
 * for any layer in front of the app that decodes before redirecting.
 */
export function safeNext(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return HOME;
  }
  return isLocalPath(value) && isLocalPath(decoded) ? value : HOME;
}

function isLocalPath(value: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(value)) return false;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return false;
  // A path starting with one "/" always parses against a base (no try needed).
  const url = new URL(value, ORIGIN);
  return url.origin === ORIGIN && !url.pathname.startsWith("//");
}
