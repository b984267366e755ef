// AnyValue and attributes on the wire: a msgpack map whose keys are string-table indices and
// whose string values are table references (ext type 1) when short, so each distinct string of a
// batch is encoded and decoded once however many records repeat it.

import type { AnyValue, Attributes } from '@wasmpipe/core';
import { describeType, type WireReader, wireError } from './wire-reader.ts';
import { STRING_REF_EXT, type WireWriter } from './wire-writer.ts';

/** Strings longer than this travel inline: they rarely repeat (log lines, URLs with queries). */
const LONGEST_SHARED_STRING = 64;

/** The string table a batch is encoded with: each distinct string once, in first-use order. */
export class StringTable {
  readonly #indices = new Map<string, number>();
  readonly strings: string[] = [];

  /** The index of `value`, adding it on first use. */
  index(value: string): number {
    let index = this.#indices.get(value);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(value);
      this.#indices.set(value, index);
    }
    return index;
  }

  reset(): void {
    this.#indices.clear();
    this.strings.length = 0;
  }
}

/** Writes a `string` field as a table index. */
export function writeString(writer: WireWriter, table: StringTable, value: string): void {
  writer.uint(table.index(value));
}

/** Writes an optional `string` field. */
export function writeOptionalString(writer: WireWriter, table: StringTable, value: string | undefined): void {
  if (value === undefined) writer.nil();
  else writer.uint(table.index(value));
}

/** Writes attributes: a map of key index to AnyValue. */
export function writeAttributes(writer: WireWriter, table: StringTable, attributes: Attributes): void {
  let count = 0;
  for (const _ in attributes) count++;
  writer.mapHeader(count);
  for (const key in attributes) {
    writer.uint(table.index(key));
    writeAnyValue(writer, table, attributes[key] as AnyValue);
  }
}

/** Writes optional attributes (nil when absent). */
export function writeOptionalAttributes(
  writer: WireWriter,
  table: StringTable,
  attributes: Attributes | undefined,
): void {
  if (attributes === undefined) writer.nil();
  else writeAttributes(writer, table, attributes);
}

/** Writes any AnyValue; `undefined` travels as nil. */
export function writeAnyValue(writer: WireWriter, table: StringTable, value: AnyValue | undefined): void {
  switch (typeof value) {
    case 'string':
      if (value.length <= LONGEST_SHARED_STRING) writer.stringRef(table.index(value));
      else writer.str(value);
      return;
    case 'number':
      writer.number(value);
      return;
    case 'boolean':
      writer.bool(value);
      return;
    case 'bigint':
      writer.bigint(value);
      return;
    case 'undefined':
      writer.nil();
      return;
  }
  if (value === null) writer.nil();
  else if (value instanceof Uint8Array) writer.bin(value);
  else if (Array.isArray(value)) {
    writer.arrayHeader(value.length);
    for (const item of value as readonly AnyValue[]) writeAnyValue(writer, table, item);
  } else writeAttributes(writer, table, value as Attributes);
}

/** Reads attributes into a new plain object. */
export function readAttributes(reader: WireReader, what: string): Attributes {
  const count = reader.mapHeader(what);
  const attributes: Attributes = {};
  for (let index = 0; index < count; index++) {
    const key = reader.string(what);
    const value = readAnyValue(reader, what);
    if (key === '__proto__') Object.defineProperty(attributes, key, { value, enumerable: true, writable: true });
    else attributes[key] = value;
  }
  return attributes;
}

/** Reads optional attributes (undefined for nil). */
export function readOptionalAttributes(reader: WireReader, what: string): Attributes | undefined {
  return reader.nil() ? undefined : readAttributes(reader, what);
}

/** Reads an AnyValue: int64/uint64 widths become bigint, every other integer a number. */
export function readAnyValue(reader: WireReader, what: string): AnyValue {
  const type = reader.peek();
  if (type === undefined) throw wireError(what, 'a value', 'the end of the bytes');
  if (type <= 0x7f || type >= 0xe0) return reader.number(what);
  if (type <= 0x8f) return readAttributes(reader, what);
  if (type <= 0x9f) return readList(reader, what);
  if (type <= 0xbf) return reader.inlineString(what);
  switch (type) {
    case 0xc0:
      reader.position += 1;
      return null;
    case 0xc2:
    case 0xc3:
      return reader.bool(what);
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return reader.binCopy(what);
    case 0xcf:
      return reader.nanos(what);
    case 0xd3: {
      if (reader.position + 9 > reader.end) throw wireError(what, 'an int64', 'the end of the bytes');
      const value = reader.view.getBigInt64(reader.position + 1);
      reader.position += 9;
      return value;
    }
    case 0xd4:
    case 0xd5:
    case 0xd6:
      return reader.stringRef(what);
    case 0xd9:
    case 0xda:
    case 0xdb:
      return reader.inlineString(what);
    case 0xdc:
    case 0xdd:
      return readList(reader, what);
    case 0xde:
    case 0xdf:
      return readAttributes(reader, what);
  }
  if ((type >= 0xca && type <= 0xce) || (type >= 0xd0 && type <= 0xd2)) return reader.number(what);
  throw wireError(what, 'an AnyValue (nil, bool, number, string, bytes, list or map)', describeType(type));
}

function readList(reader: WireReader, what: string): AnyValue[] {
  const count = reader.arrayHeader(what);
  const list = new Array<AnyValue>(count);
  for (let index = 0; index < count; index++) list[index] = readAnyValue(reader, what);
  return list;
}

/** Checks an AnyValue without building it: types, string references in range, bounds. */
export function scanAnyValue(reader: WireReader, what: string, strings: number): void {
  let pending = 1;
  while (pending > 0) {
    pending -= 1;
    const type = reader.peek();
    if (type === undefined) throw wireError(what, 'a value', 'the end of the bytes');
    if (type <= 0x8f && type >= 0x80) pending += 2 * scanMapHeader(reader, what, strings);
    else if (type === 0xde || type === 0xdf) pending += 2 * scanMapHeader(reader, what, strings);
    else if ((type >= 0x90 && type <= 0x9f) || type === 0xdc || type === 0xdd) pending += reader.arrayHeader(what);
    else if (type >= 0xd4 && type <= 0xd6) scanStringRef(reader, what, strings);
    else if (type === 0xc1 || (type >= 0xc7 && type <= 0xc9) || type === 0xd7 || type === 0xd8) {
      throw wireError(what, 'an AnyValue (nil, bool, number, string, bytes, list or map)', describeType(type));
    } else reader.skip(what);
  }
}

// A map header; the keys are checked here as `string` fields, so the caller only counts values.
function scanMapHeader(reader: WireReader, what: string, strings: number): number {
  const count = reader.mapHeader(what);
  for (let index = 0; index < count; index++) {
    scanString(reader, what, strings);
    scanAnyValue(reader, what, strings);
  }
  return 0;
}

function scanStringRef(reader: WireReader, what: string, strings: number): void {
  const start = reader.position;
  const type = reader.bytes[start];
  const width = type === 0xd4 ? 1 : type === 0xd5 ? 2 : 4;
  if (start + 2 + width > reader.end) throw wireError(what, 'a string reference', 'the end of the bytes');
  if (reader.bytes[start + 1] !== STRING_REF_EXT) {
    throw wireError(what, `ext type ${STRING_REF_EXT} (a string reference)`, `ext type ${reader.bytes[start + 1]}`);
  }
  const at = start + 2;
  const index = width === 1 ? reader.bytes[at]! : width === 2 ? reader.view.getUint16(at) : reader.view.getUint32(at);
  if (index >= strings) throw wireError(what, `an index into the string table (${strings} entries)`, `index ${index}`);
  reader.position = at + width;
}

/** Checks a `string` field: an index below `strings`, or an inline str. */
export function scanString(reader: WireReader, what: string, strings: number): void {
  const type = reader.peek();
  if (type !== undefined && (type <= 0x7f || type === 0xcc || type === 0xcd || type === 0xce)) {
    const index = reader.uint(what);
    if (index >= strings)
      throw wireError(what, `an index into the string table (${strings} entries)`, `index ${index}`);
    return;
  }
  reader.skipStr(what);
}

/** Checks attributes: a map of `string` keys to AnyValue. */
export function scanAttributes(reader: WireReader, what: string, strings: number): void {
  scanMapHeader(reader, what, strings);
}
