/**
 * What a devices page shows for a session: a short browser/OS label parsed from the User-Agent
 * when the session is created, and an IP only when the app supplies one. The raw User-Agent is
 * not kept (it helps fingerprint users); an app that wants it passes its own `label` function.
 */
import type { DeviceInfo } from "./stores/types.js";

/** The part of a request's headers this module reads (Web `Headers` and Next's `headers()`). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** The resolved `devices` option. */
export interface DeviceOptions {
  label: (userAgent: string) => string;
  ip: ((headers: HeaderReader) => string | undefined) | undefined;
}

/** Longest label and IP kept: bounds what a hostile User-Agent or header costs in the store. */
const MAX_LABEL = 100;
const MAX_IP = 64;

/** First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\bOPR\/|\bOpera\b/, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\bChrom(e|ium)\/|\bCriOS\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: Array<[RegExp, string]> = [
  [/\bWindows\b/, "Windows"],
  [/\b(iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

const first = (table: Array<[RegExp, string]>, text: string) => table.find(([pattern]) => pattern.test(text))?.[1];

/** "Firefox on Linux", "Safari on iOS", "Chrome"; "Unknown device" when nothing is recognised. */
export function deviceLabel(userAgent: string): string {
  const browser = first(BROWSERS, userAgent);
  const system = first(SYSTEMS, userAgent);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `Browser on ${system}` : "Unknown device");
}

/** The device of the request that creates a session. */
export function deviceOf(options: DeviceOptions, headers: HeaderReader | undefined): DeviceInfo {
  const label = options.label(headers?.get("user-agent") ?? "");
  const device: DeviceInfo = { label: typeof label === "string" && label !== "" ? label.slice(0, MAX_LABEL) : "Unknown device" };
  const ip = headers && options.ip?.(headers);
  if (typeof ip === "string" && ip !== "") device.ip = ip.slice(0, MAX_IP);
  return device;
}
