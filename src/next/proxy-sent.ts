/**
 * The cookies the proxy set in this request, as a Route Handler or Server Action sees them.
 * Next hands the render the proxy's Set-Cookie headers in an internal request header (from
 * which it merges them into `cookies()`; a client cannot send it, Next strips it), and later
 * appends the render's own Set-Cookie headers to the proxy's. So a handler that writes the very
 * value the proxy already sent (a save on a server-side store after the proxy renewed: same
 * signed id) would only repeat it in a second header: the session jar skips that write.
 */
import { NextResponse } from "next/server.js";
import type { HeaderReader } from "../device.js";

const PROXY_SET_COOKIE = "x-middleware-set-cookie";

/** Between two Set-Cookie lines joined by ", " (unlike the comma inside `Expires=Fri, 04 Dec…`, a name and `=` follow). */
const NEXT_COOKIE = /,\s*(?=[^;,=\s]+=)/;

/** Name -> value of each cookie the proxy set in this request (empty without a proxy write). */
export function proxySetCookies(headers: HeaderReader | undefined): ReadonlyMap<string, string> {
  const header = headers?.get(PROXY_SET_COOKIE);
  const sent = new Map<string, string>();
  if (!header) return sent;
  // Parsed as Next merges them into `cookies()`: one Set-Cookie line each, read by its own cookie API.
  const lines = new Headers();
  for (const line of header.split(NEXT_COOKIE)) lines.append("set-cookie", line);
  try {
    // Next's parser leaves an empty value (a removal) out of the cookie: it was "".
    for (const { name, value } of new NextResponse(null, { headers: lines }).cookies.getAll()) sent.set(name, value ?? "");
  } catch {
    // A line Next's parser refuses (it decodes a value twice: `%25E0` fails): then no write is skipped, at worst one repeats the proxy's.
  }
  return sent;
}
