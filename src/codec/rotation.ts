/**
 * Password rotation across deployments. A password map `{ 2: "new…", 1: "old…" }` opens cookies
 * under every listed id and seals (and signs ids) with one of them: the highest, or the one the
 * `sealWith` option names, so a new password can be deployed accepted-only first.
 *
 * During a rolling deploy, old and new instances serve the same browsers. A cookie under an id
 * above every id this instance knows comes from a newer deployment: it is left alone (no purge,
 * no write), or the old instance would log out everyone the new ones just re-sealed. A cookie
 * under an id below or between the known ones is under a retired password and is purged.
 */
import { sealFields } from "./iron-format.js";
import type { PasswordMap } from "./iron-rules.js";

const PASSWORD_ID = /^[1-9][0-9]{0,8}$/;

function passwordIdOf(value: string): string | undefined {
  const fields = sealFields(value);
  if (fields) return fields[0] === "Fe26.2" ? fields[1] : undefined;
  const [payload, id, mac, extra] = value.split(".");
  return payload && mac && extra === undefined ? id : undefined;
}

/** The highest id of the map: what seals by default. */
export function highestId(passwords: PasswordMap): string {
  return String(Math.max(...Object.keys(passwords).map(Number)));
}

/** The highest id as a number, once per password map (every request asks). */
const highestOf = new WeakMap<PasswordMap, number>();

function highestNumber(passwords: PasswordMap): number {
  let highest = highestOf.get(passwords);
  if (highest === undefined) highestOf.set(passwords, (highest = Number(highestId(passwords))));
  return highest;
}

/**
 * Where the id would sit in `value` (after `Fe26.2*` in a seal, after the first `.` in a token),
 * read without splitting the whole cookie: it is the id `passwordIdOf` finds, whenever that
 * finds one.
 */
function idCandidate(value: string): string {
  const seal = value.startsWith("Fe26.2*");
  const start = seal ? 7 : value.indexOf(".") + 1;
  const end = value.indexOf(seal ? "*" : ".", start);
  return start === 0 || end === -1 ? "" : value.slice(start, end);
}

/**
 * The password id an Iron seal (`Fe26.2*<id>*…`) or a signed token (`<payload>.<id>.<mac>`)
 * names, when it names one above every id in `passwords`. Reading it proves nothing (no MAC is
 * checked): such a cookie is only ever left alone, never trusted.
 */
export function newerPasswordId(value: string, passwords: PasswordMap): string | undefined {
  // Nearly every cookie names a known id: settled without the full parse.
  const candidate = idCandidate(value);
  if (!PASSWORD_ID.test(candidate) || Number(candidate) <= highestNumber(passwords)) return undefined;
  const id = passwordIdOf(value);
  if (id === undefined || !PASSWORD_ID.test(id)) return undefined;
  return Number(id) > highestNumber(passwords) ? id : undefined;
}
