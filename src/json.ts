/**
 * Session data must survive JSON in every store. Checking at `set` time points at the line that
 * stored a Date or a Map, instead of failing later, far away, inside a seal or a Redis write.
 */

function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${String(value)} (not representable in JSON: store null or a finite number)`;
    case "bigint":
      return "a BigInt (store it as a string: value.toString())";
    case "function":
    case "symbol":
      return `a ${typeof value} (store plain data only)`;
    case "undefined":
      return "undefined (use unset() to remove a key, or store null)";
  }
  return undefined;
}

function objectProblem(value: object): string | undefined {
  if (value instanceof Date) return "a Date (store a timestamp: date.getTime(), or an ISO string)";
  if (value instanceof Map) return "a Map (store a plain object: Object.fromEntries(map))";
  if (value instanceof Set) return "a Set (store an array: [...set])";
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return `an instance of ${proto?.constructor?.name ?? "a class"} (store a plain object with its fields)`;
  }
  return undefined;
}

/**
 * What a walk accepts beyond plain JSON: the Iron codec seals as iron-session does, where an
 * `undefined` object field is dropped (`JSON.stringify` skips it); session data refuses it (the
 * default).
 */
export interface JsonRules {
  undefinedFields?: "refused" | "dropped";
}

/** The fields of the object at `path` with their paths, or why its keys would not survive JSON. */
function fieldsOf(value: object, path: string): [string, unknown][] | string {
  const fields: [string, unknown][] = [];
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === "symbol") return `${path} has a symbol key ${String(key)} (JSON drops it: use a string key)`;
    if (!Object.prototype.propertyIsEnumerable.call(value, key)) return `${path}.${key} is not enumerable (JSON drops it)`;
    fields.push([`${path}.${key}`, (value as Record<string, unknown>)[key]]);
  }
  return fields;
}

/**
 * Returns why `value` is not plain JSON (with what to store instead), or undefined when it is.
 * The one checker: `session.set`, `session.flash` and the Node Iron codec use it.
 */
export function jsonProblem(value: unknown, path: string, rules: JsonRules = {}, seen = new Set<object>()): string | undefined {
  if (value === null || typeof value !== "object") {
    const problem = describe(value);
    return problem && `${path} is ${problem}`;
  }
  const problem = objectProblem(value);
  if (problem) return `${path} is ${problem}`;
  if (seen.has(value)) return `${path} is a circular reference (store a tree, not a graph)`;
  seen.add(value);
  const entries = Array.isArray(value)
    ? Array.from(value, (item, index): [string, unknown] => [`${path}[${index}]`, item]) // visits holes too (map skips them)
    : fieldsOf(value, path);
  if (typeof entries === "string") return entries;
  const dropped = !Array.isArray(value) && rules.undefinedFields === "dropped";
  for (const [itemPath, item] of entries) {
    const found = dropped && item === undefined ? undefined : jsonProblem(item, itemPath, rules, seen);
    if (found) return found;
  }
  seen.delete(value);
  return undefined;
}

/**
 * Sets an own data property whatever the key: a plain assignment of `__proto__` (a form field
 * name passed through) would replace the object's prototype instead.
 */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * A deep copy of a value already known to be JSON (checked at `set`, or parsed from JSON):
 * several times cheaper than `structuredClone` for session-sized data, which every
 * `session.get` of an object and every `session.data` copies. Keys go through `setField`, so
 * an own `__proto__` key stays data.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    if (key === "__proto__") setField(copy, key, item);
    else copy[key] = item;
  }
  return copy as T;
}
