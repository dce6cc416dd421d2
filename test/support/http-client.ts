/**
 * A browser without JavaScript, over fetch: a cookie jar that honours Set-Cookie (including
 * removal), manual redirects, and form submission the way a no-JS browser posts a Server
 * Action form (every hidden input of the form plus the fields typed in).
 */
import { parseSetCookie, type SetCookie } from "cookie";

export interface Exchange {
  status: number;
  headers: Headers;
  body: string;
  /** The Set-Cookie headers of this response, parsed. */
  setCookies: SetCookie[];
}

const decode = (text: string) =>
  text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

export class HttpClient {
  readonly cookies: Map<string, string>;
  readonly base: string;
  /** Headers of every request (e.g. a browser's User-Agent), unless a request sets its own. */
  readonly defaults: Headers;
  /** `cookies`: a jar shared with another client (one browser talking to two servers on one host). */
  constructor(base: string, defaults: HeadersInit = {}, cookies = new Map<string, string>()) {
    this.base = base;
    this.defaults = new Headers(defaults);
    this.cookies = cookies;
  }

  /** One request, no redirect following; the jar is updated from the response. */
  async request(path: string, init: RequestInit = {}): Promise<Exchange> {
    const headers = new Headers(init.headers);
    for (const [name, value] of this.defaults) if (!headers.has(name)) headers.set(name, value);
    if (this.cookies.size && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    const response = await fetch(new URL(path, this.base), { ...init, headers, redirect: "manual" });
    const setCookies = response.headers.getSetCookie().map((line) => parseSetCookie(line));
    this.apply(setCookies);
    return { status: response.status, headers: response.headers, body: await response.text(), setCookies };
  }

  /** GET, following redirects like a browser; returns the final exchange and the path taken. */
  async get(path: string, headers: HeadersInit = {}): Promise<Exchange & { path: string }> {
    let current = path;
    for (let hops = 0; hops < 10; hops++) {
      const exchange = await this.request(current, { headers });
      const location = exchange.headers.get("location");
      if (exchange.status < 300 || exchange.status >= 400 || !location) return { ...exchange, path: current };
      const next = new URL(location, new URL(current, this.base));
      current = next.pathname + next.search;
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /**
   * Submits a form (by index, or the first whose HTML contains `which`) of the page at `path`
   * without JavaScript: what a browser does
   * before hydration. Returns the response to the POST (redirects not followed).
   */
  async submit(path: string, fields: Record<string, string>, which: number | string = 0): Promise<Exchange> {
    return this.post(await this.get(path), fields, which);
  }

  /** Posts a form of a page fetched earlier (`get`), so a test can wait between the two. */
  async post(page: Exchange & { path: string }, fields: Record<string, string>, which: number | string = 0): Promise<Exchange> {
    const forms = [...page.body.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)];
    const form = typeof which === "number" ? forms[which] : forms.find((f) => f[0].includes(which));
    if (!form) throw new Error(`no form ${JSON.stringify(which)} on ${page.path}`);
    const body = new FormData();
    for (const input of form[1]!.matchAll(/<input\b[^>]*>/g)) {
      const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
      const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? "";
      if (name && /type="hidden"/.test(input[0])) body.append(decode(name), decode(value));
    }
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    return this.request(page.path, { method: "POST", body });
  }

  /** Applies a response's Set-Cookies to the jar, as a browser does when that response arrives. */
  apply(setCookies: SetCookie[]): void {
    for (const cookie of setCookies) {
      if (cookie.maxAge === 0 || !cookie.value || (cookie.expires && cookie.expires.getTime() <= Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }

  /** The same browser (its cookies) talking to another server, e.g. a restarted app. */
  at(base: string): HttpClient {
    const moved = new HttpClient(base);
    for (const [name, value] of this.cookies) moved.cookies.set(name, value);
    return moved;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/** The text of the element with `data-testid`, or undefined. */
export function testId(html: string, id: string): string | undefined {
  const match = new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return match ? decode(match[1]!.replace(/<!-- -->/g, "")) : undefined;
}
