// A checked msgpack reader over one batch's bytes. It reads in place (no copy), resolves string
// references through the batch's table, and throws a WireError naming the field on anything
// malformed: bytes from a guest are never trusted.

import { permanentError } from '@wasmpipe/core';
import { STRING_REF_EXT } from './wire-writer.ts';

// Not fatal: a scan (which does not look inside strings) has accepted these bytes, so decoding
// them later must not fail; invalid UTF-8 becomes U+FFFD.
const textDecoder = new TextDecoder('utf-8');

/** Fails decoding with a message naming what was expected where. */
export function wireError(what: string, expected: string, found: string): Error {
  return permanentError(`Invalid plugin batch: ${what} should be ${expected}, got ${found}.`);
}

/** A name for the msgpack type that starts with byte `type`, for error messages. */
export function describeType(type: number | undefined): string {
  if (type === undefined) return 'the end of the bytes';
  if (type <= 0x7f || type >= 0xe0 || (type >= 0xcc && type <= 0xd3)) return 'an integer';
  if (type <= 0x8f || type === 0xde || type === 0xdf) return 'a map';
  if (type <= 0x9f || type === 0xdc || type === 0xdd) return 'a list';
  if (type <= 0xbf || (type >= 0xd9 && type <= 0xdb)) return 'a string';
  if (type === 0xc0) return 'nil';
  if (type === 0xc2 || type === 0xc3) return 'a boolean';
  if (type >= 0xc4 && type <= 0xc6) return 'bytes';
  if (type === 0xca || type === 0xcb) return 'a float';
  return 'an extension value';
}

/** Reads msgpack values from `bytes[start, end)`. */
export class WireReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  position: number;
  end: number;
  /** The batch's string table, decoded (see {@link readStringTable}). */
  strings: string[] = [];

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = start;
    this.end = end;
  }

  /** The type byte of the next value (undefined at the end). */
  peek(): number | undefined {
    return this.position < this.end ? this.bytes[this.position] : undefined;
  }

  /** Consumes a nil and returns true, or returns false and consumes nothing. */
  nil(): boolean {
    if (this.position < this.end && this.bytes[this.position] === 0xc0) {
      this.position += 1;
      return true;
    }
    return false;
  }

  #need(count: number, what: string): void {
    if (this.position + count > this.end) throw wireError(what, `${count} more byte(s)`, 'the end of the bytes');
  }

  #fail(what: string, expected: string): never {
    throw wireError(what, expected, describeType(this.peek()));
  }

  /** An array header: the element count. */
  arrayHeader(what: string): number {
    const type = this.peek();
    if (type !== undefined && type >= 0x90 && type <= 0x9f) {
      this.position += 1;
      return type & 0x0f;
    }
    if (type === 0xdc) return this.#length(2, what);
    if (type === 0xdd) return this.#length(4, what);
    this.#fail(what, 'a list');
  }

  /** A map header: the entry count. */
  mapHeader(what: string): number {
    const type = this.peek();
    if (type !== undefined && type >= 0x80 && type <= 0x8f) {
      this.position += 1;
      return type & 0x0f;
    }
    if (type === 0xde) return this.#length(2, what);
    if (type === 0xdf) return this.#length(4, what);
    this.#fail(what, 'a map');
  }

  /** A bin header: the byte length; the bytes start at `position` and are not consumed. */
  binHeader(what: string): number {
    const type = this.peek();
    let length: number;
    if (type === 0xc4) length = this.#length(1, what);
    else if (type === 0xc5) length = this.#length(2, what);
    else if (type === 0xc6) length = this.#length(4, what);
    else this.#fail(what, 'bytes');
    this.#need(length, what);
    return length;
  }

  /** A bin value, copied (the caller owns it). */
  binCopy(what: string): Uint8Array {
    const length = this.binHeader(what);
    const value = this.bytes.slice(this.position, this.position + length);
    this.position += length;
    return value;
  }

  #length(width: 1 | 2 | 4, what: string): number {
    this.#need(1 + width, what);
    const at = this.position + 1;
    const value = width === 1 ? this.bytes[at]! : width === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
    this.position = at + width;
    return value;
  }

  /** Any integer or float as a number (int64 beyond 2^53 loses precision). */
  number(what: string): number {
    const type = this.peek();
    if (type === undefined) this.#fail(what, 'a number');
    if (type <= 0x7f) {
      this.position += 1;
      return type;
    }
    if (type >= 0xe0) {
      this.position += 1;
      return type - 0x100;
    }
    const at = this.position + 1;
    let size: number;
    let value: number;
    switch (type) {
      case 0xcb:
        size = 8;
        this.#need(9, what);
        value = this.view.getFloat64(at);
        break;
      case 0xca:
        size = 4;
        this.#need(5, what);
        value = this.view.getFloat32(at);
        break;
      case 0xcc:
        size = 1;
        this.#need(2, what);
        value = this.bytes[at]!;
        break;
      case 0xcd:
        size = 2;
        this.#need(3, what);
        value = this.view.getUint16(at);
        break;
      case 0xce:
        size = 4;
        this.#need(5, what);
        value = this.view.getUint32(at);
        break;
      case 0xcf:
        size = 8;
        this.#need(9, what);
        value = this.view.getUint32(at) * 0x100000000 + this.view.getUint32(at + 4);
        break;
      case 0xd0:
        size = 1;
        this.#need(2, what);
        value = this.view.getInt8(at);
        break;
      case 0xd1:
        size = 2;
        this.#need(3, what);
        value = this.view.getInt16(at);
        break;
      case 0xd2:
        size = 4;
        this.#need(5, what);
        value = this.view.getInt32(at);
        break;
      case 0xd3:
        size = 8;
        this.#need(9, what);
        value = this.view.getInt32(at) * 0x100000000 + this.view.getUint32(at + 4);
        break;
      default:
        this.#fail(what, 'a number');
    }
    this.position = at + size;
    return value;
  }

  /** A non-negative integer (unsigned or signed encoding). */
  uint(what: string): number {
    const type = this.peek();
    if (type !== undefined && type <= 0x7f) {
      this.position += 1;
      return type;
    }
    if (type === 0xca || type === 0xcb) this.#fail(what, 'an unsigned integer');
    const value = this.number(what);
    if (value < 0) throw wireError(what, 'an unsigned integer', 'a negative integer');
    return value;
  }

  /** A uint64 timestamp (unix nanoseconds) as bigint; smaller unsigned widths are accepted. */
  nanos(what: string): bigint {
    if (this.peek() === 0xcf) {
      this.#need(9, what);
      const value = this.view.getBigUint64(this.position + 1);
      this.position += 9;
      return value;
    }
    return BigInt(this.uint(what));
  }

  bool(what: string): boolean {
    const type = this.peek();
    if (type === 0xc3 || type === 0xc2) {
      this.position += 1;
      return type === 0xc3;
    }
    this.#fail(what, 'a boolean');
  }

  /** An inline str's byte length; its bytes start at `position` (not consumed). */
  strHeader(what: string): number {
    const type = this.peek();
    let length: number;
    if (type !== undefined && type >= 0xa0 && type <= 0xbf) {
      this.position += 1;
      length = type & 0x1f;
    } else if (type === 0xd9) length = this.#length(1, what);
    else if (type === 0xda) length = this.#length(2, what);
    else if (type === 0xdb) length = this.#length(4, what);
    else this.#fail(what, 'a string');
    this.#need(length, what);
    return length;
  }

  /** An inline str, decoded. */
  inlineString(what: string): string {
    const length = this.strHeader(what);
    const start = this.position;
    this.position += length;
    return decodeUtf8(this.bytes, start, start + length);
  }

  /** A `string` field: a table index (uint) or an inline str. */
  string(what: string): string {
    const type = this.peek();
    if (type !== undefined && type <= 0x7f) {
      this.position += 1;
      return this.#entry(type, what);
    }
    if (type === 0xcc || type === 0xcd || type === 0xce) return this.#entry(this.uint(what), what);
    return this.inlineString(what);
  }

  /** A `string` field, or undefined for nil. */
  optionalString(what: string): string | undefined {
    return this.nil() ? undefined : this.string(what);
  }

  #entry(index: number, what: string): string {
    const value = this.strings[index];
    if (value === undefined) {
      throw wireError(what, `an index into the string table (${this.strings.length} entries)`, `index ${index}`);
    }
    return value;
  }

  /** A string reference in an AnyValue position (ext type 1), after its type byte was seen. */
  stringRef(what: string): string {
    const type = this.peek();
    const width = type === 0xd4 ? 1 : type === 0xd5 ? 2 : type === 0xd6 ? 4 : 0;
    if (width === 0) this.#fail(what, 'a string reference');
    this.#need(2 + width, what);
    if (this.bytes[this.position + 1] !== STRING_REF_EXT) {
      throw wireError(
        what,
        `ext type ${STRING_REF_EXT} (a string reference)`,
        `ext type ${this.bytes[this.position + 1]}`,
      );
    }
    const at = this.position + 2;
    const index = width === 1 ? this.bytes[at]! : width === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
    this.position = at + width;
    return this.#entry(index, what);
  }

  /** Reads the batch's string table (an array of inline str) into `strings`. */
  readStringTable(what: string): void {
    const count = this.arrayHeader(what);
    const strings = new Array<string>(count);
    for (let index = 0; index < count; index++) strings[index] = this.inlineString(what);
    this.strings = strings;
  }

  /** Skips one value of any type, however deeply nested, checking bounds. */
  skip(what: string): void {
    let pending = 1;
    while (pending > 0) {
      pending -= 1;
      const type = this.peek();
      if (type === undefined) this.#fail(what, 'a value');
      if (type <= 0x7f || type >= 0xe0 || type === 0xc0 || type === 0xc2 || type === 0xc3) this.position += 1;
      else if (type <= 0x8f || type === 0xde || type === 0xdf) pending += 2 * this.mapHeader(what);
      else if (type <= 0x9f || type === 0xdc || type === 0xdd) pending += this.arrayHeader(what);
      else if (type <= 0xbf || (type >= 0xd9 && type <= 0xdb)) this.skipStr(what);
      else if (type >= 0xc4 && type <= 0xc6) this.skipBin(what);
      else {
        // Evaluated first: #scalarSize may consume an ext header before answering.
        const size = this.#scalarSize(type, what);
        this.position += size;
      }
      if (this.position > this.end) this.#fail(what, 'a complete value');
    }
  }

  #scalarSize(type: number, what: string): number {
    if (type === 0xca) return 5;
    if (type === 0xcb || type === 0xcf || type === 0xd3) return 9;
    if (type === 0xcc || type === 0xd0) return 2;
    if (type === 0xcd || type === 0xd1) return 3;
    if (type === 0xce || type === 0xd2) return 5;
    if (type >= 0xd4 && type <= 0xd8) return 2 + (1 << (type - 0xd4));
    if (type >= 0xc7 && type <= 0xc9) {
      // The header is consumed here; what remains is the ext type byte and the data.
      return 1 + this.#length(type === 0xc7 ? 1 : type === 0xc8 ? 2 : 4, what);
    }
    this.#fail(what, 'a msgpack value');
  }

  /** Skips an inline str (header and bytes). */
  skipStr(what: string): void {
    const length = this.strHeader(what);
    this.position += length;
  }

  /** Skips a bin (header and bytes). */
  skipBin(what: string): void {
    const length = this.binHeader(what);
    this.position += length;
  }

  /** Skips the remaining `count` fields of a tuple. */
  skipMany(count: number, what: string): void {
    for (let index = 0; index < count; index++) this.skip(what);
  }
}

/** Decodes UTF-8; short ASCII by hand (most names and values), the rest with TextDecoder. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length <= 32) {
    let ascii = true;
    for (let index = start; index < end; index++) {
      if (bytes[index]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      if (length === 0) return '';
      // fromCharCode over a subarray of bytes below 0x80 is exact.
      return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
    }
  }
  return textDecoder.decode(bytes.subarray(start, end));
}
