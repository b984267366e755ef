// Benchmark peer: the foundation's codec (contract 0.1.0), copied unchanged from
// packages/host-wapc/src/codec/wire-values.ts as it was before contract 0.2.0 replaced it.

// Checked readers for values decoded from the contract's msgpack layout. A replacement batch
// comes from a guest, so every field is checked before it enters the host's record tree.

import {
  type Attributes,
  type InstrumentationScope,
  isPlainObject,
  permanentError,
  type Resource,
} from '@wasmpipe/core';

/** Fails decoding with a message naming what was expected where. */
export function wireError(what: string, expected: string, value: unknown): Error {
  const got = value === null ? 'nil' : Array.isArray(value) ? 'a list' : typeof value;
  return permanentError(`Invalid plugin batch: ${what} should be ${expected}, got ${got}.`);
}

/** A msgpack array (a tuple or a list). */
export function readList(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw wireError(what, 'a list', value);
  return value;
}

/** A string. */
export function readText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw wireError(what, 'a string', value);
  return value;
}

/** A string, or undefined for nil. */
export function readOptionalText(value: unknown, what: string): string | undefined {
  return value == null ? undefined : readText(value, what);
}

/** A number; an int64 decoded as bigint is converted. */
export function readNumber(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw wireError(what, 'a number', value);
}

/** A number, or undefined for nil. */
export function readOptionalNumber(value: unknown, what: string): number | undefined {
  return value == null ? undefined : readNumber(value, what);
}

/** A list of numbers. */
export function readNumbers(value: unknown, what: string): number[] {
  return readList(value, what).map((item) => readNumber(item, what));
}

/** Unix nanoseconds: a uint64 arrives as bigint, a small integer as number. */
export function readNanos(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw wireError(what, 'unix nanoseconds', value);
}

/** Unix nanoseconds, or undefined for nil. */
export function readOptionalNanos(value: unknown, what: string): bigint | undefined {
  return value == null ? undefined : readNanos(value, what);
}

/** A boolean; nil reads as false. */
export function readFlag(value: unknown, what: string): boolean {
  if (value == null) return false;
  if (typeof value !== 'boolean') throw wireError(what, 'a boolean', value);
  return value;
}

/** Bytes, or undefined for nil. */
export function readOptionalBytes(value: unknown, what: string): Uint8Array | undefined {
  if (value == null) return undefined;
  if (!(value instanceof Uint8Array)) throw wireError(what, 'bytes', value);
  return value;
}

/** A string-keyed map of AnyValue; msgpack maps already decode to that shape. */
export function readAttributes(value: unknown, what: string): Attributes {
  if (!isPlainObject(value)) throw wireError(what, 'a map', value);
  return value as Attributes;
}

/** Resource <-> [attributes, droppedAttributesCount]. */
export function resourceToWire(resource: Resource): unknown[] {
  return [resource.attributes, resource.droppedAttributesCount];
}

/** Decodes a Resource tuple. */
export function resourceFromWire(value: unknown): Resource {
  const [attributes, dropped] = readList(value, 'resource');
  const resource: Resource = { attributes: readAttributes(attributes, 'resource.attributes') };
  const droppedAttributesCount = readOptionalNumber(dropped, 'resource.droppedAttributesCount');
  if (droppedAttributesCount !== undefined) resource.droppedAttributesCount = droppedAttributesCount;
  return resource;
}

/** InstrumentationScope <-> [name, version, attributes, droppedAttributesCount]. */
export function scopeToWire(scope: InstrumentationScope): unknown[] {
  return [scope.name, scope.version, scope.attributes, scope.droppedAttributesCount];
}

/** Decodes an InstrumentationScope tuple. */
export function scopeFromWire(value: unknown): InstrumentationScope {
  const [name, version, attributes, dropped] = readList(value, 'scope');
  const scope: InstrumentationScope = { name: readText(name, 'scope.name') };
  const scopeVersion = readOptionalText(version, 'scope.version');
  if (scopeVersion !== undefined) scope.version = scopeVersion;
  if (attributes != null) scope.attributes = readAttributes(attributes, 'scope.attributes');
  const droppedAttributesCount = readOptionalNumber(dropped, 'scope.droppedAttributesCount');
  if (droppedAttributesCount !== undefined) scope.droppedAttributesCount = droppedAttributesCount;
  return scope;
}
