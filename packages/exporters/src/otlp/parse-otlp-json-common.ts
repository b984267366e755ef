// Readers for OTLP/JSON values (the protobuf JSON mapping as the OTLP spec fixes it), shared by the
// metrics and logs parsers. They accept what proto3 JSON parsers accept: lowerCamelCase or
// original field names, 64-bit integers as strings or numbers, enums as numbers or names, doubles
// as numbers or "NaN"/"Infinity"/"-Infinity", null as absent. Trace and span ids are hex, other
// bytes base64. Unknown fields are ignored, as the spec requires. Every type error is an
// `OtlpDecodeError` naming its JSON path.

import type { AnyValue, Attributes, InstrumentationScope, Resource } from '@wasmpipe/core';
import { setAttribute } from './decode-common.ts';
import { OtlpDecodeError } from './protobuf-decoder.ts';

/** A JSON object as parsed. */
export type JsonObject = Record<string, unknown>;

const MAX_NESTING = 64;
const INT64_PATTERN = /^-?\d{1,20}$/;
const UINT64_LIMIT = 2n ** 64n;

/** A field by its lowerCamelCase name or, failing that, its original snake_case name; null is absent. */
export function field(object: JsonObject, camel: string, snake?: string): unknown {
  const value = object[camel] ?? (snake === undefined ? undefined : object[snake]);
  return value === null ? undefined : value;
}

/** Throws the error for a value of the wrong JSON type at `path`. */
export function wrongType(path: string, expected: string, value: unknown): never {
  const got = Array.isArray(value) ? 'a list' : value === null ? 'null' : `${typeof value} ${JSON.stringify(value)}`;
  throw new OtlpDecodeError(`Invalid OTLP/JSON at ${path}: expected ${expected}, got ${got.slice(0, 60)}.`);
}

/** An object, or `{}` when absent. */
export function objectAt(value: unknown, path: string): JsonObject {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) wrongType(path, 'an object', value);
  return value as JsonObject;
}

/** A list, or `[]` when absent. */
export function listAt(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) wrongType(path, 'a list', value);
  return value;
}

/** A string, or undefined when absent or empty. */
export function stringAt(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') wrongType(path, 'a string', value);
  return value === '' ? undefined : value;
}

/** A boolean, false when absent. */
export function booleanAt(value: unknown, path: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') wrongType(path, 'true or false', value);
  return value;
}

/** A 64-bit integer written as a number or a decimal string, as a bigint; 0n when absent. */
export function int64At(value: unknown, path: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INT64_PATTERN.test(value)) {
    const result = BigInt(value);
    if (result >= -(2n ** 63n) && result < UINT64_LIMIT) return result;
  }
  return wrongType(path, 'a 64-bit integer (a number or a decimal string)', value);
}

/** A 64-bit integer as a number (a count or an `as_int`; precise up to 2^53); 0 when absent. */
export function int64NumberAt(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : Number(int64At(value, path));
}

/** A unix-nanosecond timestamp (fixed64): a bigint, 0n when absent. */
export function timeAt(value: unknown, path: string): bigint {
  const time = int64At(value, path);
  if (time < 0n) wrongType(path, 'a non-negative timestamp', value);
  return time;
}

/** A 32-bit unsigned integer (flags, counts), 0 when absent. */
export function uint32At(value: unknown, path: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (number === undefined) return 0;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffffffff) {
    wrongType(path, 'an unsigned 32-bit integer', value);
  }
  return number;
}

/** A signed 32-bit integer (scale, offset), 0 when absent. */
export function int32At(value: unknown, path: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (number === undefined) return 0;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < -(2 ** 31) || number >= 2 ** 31) {
    wrongType(path, 'a signed 32-bit integer', value);
  }
  return number;
}

/** A double, written as a number, a numeric string, "NaN", "Infinity" or "-Infinity"; undefined when absent. */
export function doubleAt(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const number = Number(value);
    if (value.trim() !== '' && !Number.isNaN(number)) return number;
  }
  return wrongType(path, 'a number', value);
}

/** An enum written as its number or its name (looked up in `names`), 0 when absent. */
export function enumAt(value: unknown, path: string, names: Readonly<Record<string, number>>): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && value in names) return names[value] as number;
  return wrongType(path, `one of ${Object.keys(names).join(', ')} or its number`, value);
}

/** Bytes written as hex (trace and span ids); undefined when absent or empty. */
export function hexBytesAt(value: unknown, path: string): Uint8Array | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) {
    wrongType(path, 'a hex string', value);
  }
  const bytes = new Uint8Array(value.length / 2);
  for (let index = 0; index < bytes.length; index++)
    bytes[index] = Number.parseInt(value.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** Bytes written as base64 (standard or URL-safe, padding optional). */
export function base64BytesAt(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) wrongType(path, 'a base64 string', value);
  const standard = value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  let binary: string;
  try {
    binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  } catch {
    return wrongType(path, 'a base64 string', value);
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** An OTLP/JSON `AnyValue` object; `{}` is null, an int64 beyond 2^53 a bigint. */
export function anyValueAt(value: unknown, path: string, depth = 0): AnyValue {
  if (depth > MAX_NESTING) throw new OtlpDecodeError(`Invalid OTLP/JSON at ${path}: AnyValue nested too deep.`);
  const object = objectAt(value, path);
  let result: AnyValue = null;
  for (const key in object) {
    const item = object[key];
    if (item === null || item === undefined) continue;
    const itemPath = `${path}.${key}`;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        if (typeof item !== 'string') wrongType(itemPath, 'a string', item);
        result = item;
        break;
      case 'boolValue':
      case 'bool_value':
        result = booleanAt(item, itemPath);
        break;
      case 'intValue':
      case 'int_value': {
        const integer = int64At(item, itemPath);
        const signed = BigInt.asIntN(64, integer);
        result = signed >= -(2n ** 53n) + 1n && signed <= 2n ** 53n - 1n ? Number(signed) : signed;
        break;
      }
      case 'doubleValue':
      case 'double_value':
        result = doubleAt(item, itemPath) as number;
        break;
      case 'arrayValue':
      case 'array_value':
        result = listAt(field(objectAt(item, itemPath), 'values'), `${itemPath}.values`).map((element, index) =>
          anyValueAt(element, `${itemPath}.values[${index}]`, depth + 1),
        );
        break;
      case 'kvlistValue':
      case 'kvlist_value':
        result = attributesAt(field(objectAt(item, itemPath), 'values'), `${itemPath}.values`, depth + 1);
        break;
      case 'bytesValue':
      case 'bytes_value':
        result = base64BytesAt(item, itemPath);
        break;
    }
  }
  return result;
}

/** A list of OTLP/JSON `KeyValue` objects as attributes; a repeated key keeps its last value. */
export function attributesAt(value: unknown, path: string, depth = 0): Attributes {
  const attributes: Attributes = {};
  listAt(value, path).forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    const keyValue = objectAt(item, itemPath);
    const key = field(keyValue, 'key') ?? '';
    if (typeof key !== 'string') wrongType(`${itemPath}.key`, 'a string', key);
    setAttribute(attributes, key, anyValueAt(field(keyValue, 'value'), `${itemPath}.value`, depth));
  });
  return attributes;
}

/** An OTLP/JSON `Resource`. */
export function resourceAt(value: unknown, path: string): Resource {
  const object = objectAt(value, path);
  const resource: Resource = { attributes: attributesAt(field(object, 'attributes'), `${path}.attributes`) };
  const dropped = uint32At(
    field(object, 'droppedAttributesCount', 'dropped_attributes_count'),
    `${path}.droppedAttributesCount`,
  );
  if (dropped !== 0) resource.droppedAttributesCount = dropped;
  return resource;
}

/** An OTLP/JSON `InstrumentationScope`. */
export function scopeAt(value: unknown, path: string): InstrumentationScope {
  const object = objectAt(value, path);
  const scope: InstrumentationScope = { name: stringAt(field(object, 'name'), `${path}.name`) ?? '' };
  const version = stringAt(field(object, 'version'), `${path}.version`);
  if (version !== undefined) scope.version = version;
  const attributes = field(object, 'attributes');
  if (attributes !== undefined) scope.attributes = attributesAt(attributes, `${path}.attributes`);
  const dropped = uint32At(
    field(object, 'droppedAttributesCount', 'dropped_attributes_count'),
    `${path}.droppedAttributesCount`,
  );
  if (dropped !== 0) scope.droppedAttributesCount = dropped;
  return scope;
}

/** Parses JSON text; a syntax error is an `OtlpDecodeError`. */
export function parseJsonText(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`Invalid JSON: ${error instanceof Error ? error.message : String(error)}.`);
  }
  return objectAt(value, '$');
}
