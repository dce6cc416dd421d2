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

/** Returns why `value` is not plain JSON (with what to store instead), or undefined when it is. */
export function jsonProblem(value: unknown, path: string, seen = new Set<object>()): string | undefined {
  if (value === null || typeof value !== "object") {
    const problem = describe(value);
    return problem && `${path} is ${problem}`;
  }
  const problem = objectProblem(value);
  if (problem) return `${path} is ${problem}`;
  if (seen.has(value)) return `${path} is a circular reference (store a tree, not a graph)`;
  seen.add(value);
  const entries: [string, unknown][] = Array.isArray(value)
    ? Array.from(value, (item, index) => [`[${index}]`, item]) // visits holes too (map skips them)
    : Object.entries(value).map(([key, item]) => [`.${key}`, item]);
  for (const [suffix, item] of entries) {
    const found = jsonProblem(item, path + suffix, seen);
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
