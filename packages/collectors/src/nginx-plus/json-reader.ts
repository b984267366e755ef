// Reads NGINX Plus API JSON defensively: every value is checked where it is used, and a wrong
// one fails with the JSON path and what was found. Absent fields are normal (older API versions,
// peers without requests yet) and give undefined, so the metric is left out.

/** A JSON value of the wrong shape, with its path (`/backend/peers/0/requests`). */
export class PlusJsonError extends Error {
  constructor(path: string, message: string) {
    super(`${path || '/'}: ${message}`);
    this.name = 'PlusJsonError';
  }
}

/** A JSON object, as the API sends for every endpoint and entry. */
export type JsonObject = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** `value` as an object; throws when it is anything else. */
export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PlusJsonError(path, `expected an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

/** The entries of a map of named objects (zones, upstreams, caches), each checked to be an object. */
export function entriesOf(value: unknown, path: string): [string, JsonObject][] {
  return Object.entries(asObject(value, path)).map(([name, entry]) => [name, asObject(entry, `${path}/${name}`)]);
}

/** A non-negative number field; undefined when absent or null. */
export function numberAt(object: JsonObject, key: string, path: string): number | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PlusJsonError(`${path}/${key}`, `expected a non-negative number, got ${describe(value)}`);
  }
  return value;
}

/** A string field; undefined when absent. */
export function stringAt(object: JsonObject, key: string, path: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new PlusJsonError(`${path}/${key}`, `expected a string, got ${describe(value)}`);
  return value;
}

/** A nested object field; undefined when absent. */
export function objectAt(object: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  return asObject(value, `${path}/${key}`);
}

/** A list of objects field (upstream peers); an empty list when absent. */
export function objectsAt(object: JsonObject, key: string, path: string): JsonObject[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PlusJsonError(`${path}/${key}`, `expected a list, got ${describe(value)}`);
  return value.map((item, index) => asObject(item, `${path}/${key}/${index}`));
}
