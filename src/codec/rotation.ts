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
/** Password id -> secret (the `PasswordMap` of iron.ts, which imports this module). */
type PasswordMap = Readonly<Record<string, string>>;

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

/**
 * The password id an Iron seal (`Fe26.2*<id>*…`) or a signed token (`<payload>.<id>.<mac>`)
 * names, when it names one above every id in `passwords`. Reading it proves nothing (no MAC is
 * checked): such a cookie is only ever left alone, never trusted.
 */
export function newerPasswordId(value: string, passwords: PasswordMap): string | undefined {
  const id = passwordIdOf(value);
  if (id === undefined || !PASSWORD_ID.test(id)) return undefined;
  return Number(id) > Number(highestId(passwords)) ? id : undefined;
}
