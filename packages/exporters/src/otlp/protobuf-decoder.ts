// A protobuf wire-format reader built on web standards only (no eval, no protobufjs), the
// counterpart of protobuf-writer.ts. It reads from untrusted input, so every read is bounds-checked
// and every malformation throws an `OtlpDecodeError` naming what was wrong and where.

import { WireType } from './protobuf-writer.ts';

const TWO_POW_32 = 4_294_967_296;
/** Strings up to this many bytes are decoded by a JS loop when ASCII, faster than TextDecoder for short text. */
const SHORT_STRING = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Slots of the short-string cache (a power of two); a slot holds the last string that hashed to it. */
const STRING_CACHE_SLOTS = 4096;
const shortStrings: (string | undefined)[] = new Array(STRING_CACHE_SLOTS);

/** Input that is not a valid encoding of the expected message; a receiver answers it with 400. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/**
 * Reads protobuf fields from a byte array. `position` and `end` are public so message decoders can
 * scope the reader to a nested message: save `end`, set it to the message's end, read, restore.
 */
export class ProtobufDecoder {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  position: number;
  end: number;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = 0;
    this.end = bytes.length;
  }

  /** Reads a varint that must fit 32 bits (tags, lengths, enums, uint32); higher bits are dropped. */
  uint32(): number {
    const bytes = this.bytes;
    let position = this.position;
    if (position >= this.end) throw this.#truncated('varint');
    let byte = bytes[position++] as number;
    if (byte < 0x80) {
      this.position = position;
      return byte;
    }
    let result = byte & 0x7f;
    for (let shift = 7; shift < 70; shift += 7) {
      if (position >= this.end) throw this.#truncated('varint');
      byte = bytes[position++] as number;
      if (shift < 32) result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.position = position;
        return result >>> 0;
      }
    }
    throw this.#malformed('a varint longer than 10 bytes');
  }

  /** Reads an int64 varint; a safe integer as a number, anything else as a bigint. */
  int64(): number | bigint {
    const start = this.position;
    const bytes = this.bytes;
    let low = 0;
    let high = 0;
    let position = start;
    for (let index = 0; index < 10; index++) {
      if (position >= this.end) throw this.#truncated('varint');
      const byte = bytes[position++] as number;
      const bits = byte & 0x7f;
      if (index < 4) low |= bits << (7 * index);
      else if (index === 4) {
        low |= (bits & 0x0f) << 28;
        high |= bits >> 4;
      } else high |= bits << (7 * index - 32);
      if (byte < 0x80) {
        this.position = position;
        return combineInt64(low >>> 0, high >>> 0);
      }
    }
    throw this.#malformed('a varint longer than 10 bytes');
  }

  /** Reads a uint64 varint as a number (counts; precise up to 2^53). */
  uint64Number(): number {
    const value = this.int64();
    return typeof value === 'bigint' ? Number(BigInt.asUintN(64, value)) : value < 0 ? value + 2 ** 64 : value;
  }

  /** Reads a zigzag-encoded sint32. */
  sint32(): number {
    const value = this.uint32();
    return (value >>> 1) ^ -(value & 1);
  }

  /** Reads a fixed64 as a bigint (unix-nanosecond timestamps). */
  fixed64BigInt(): bigint {
    this.#need(8, 'fixed64');
    const value = this.view.getBigUint64(this.position, true);
    this.position += 8;
    return value;
  }

  /** Reads a fixed64 as a number (counts; precise up to 2^53). */
  fixed64Number(): number {
    this.#need(8, 'fixed64');
    const low = this.view.getUint32(this.position, true);
    const high = this.view.getUint32(this.position + 4, true);
    this.position += 8;
    return high * TWO_POW_32 + low;
  }

  /** Reads an sfixed64 as a number (OTLP `as_int`; precise up to 2^53 in magnitude). */
  sfixed64Number(): number {
    this.#need(8, 'sfixed64');
    const low = this.view.getUint32(this.position, true);
    const high = this.view.getInt32(this.position + 4, true);
    this.position += 8;
    return high * TWO_POW_32 + low;
  }

  /** Reads a fixed32. */
  fixed32(): number {
    this.#need(4, 'fixed32');
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  /** Reads a double. */
  double(): number {
    this.#need(8, 'double');
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  /** Reads a length prefix and returns the end offset of the field it announces. */
  lengthEnd(): number {
    const length = this.uint32();
    const end = this.position + length;
    if (end > this.end) throw this.#truncated('length-delimited field');
    return end;
  }

  /** Reads a length-delimited UTF-8 string; invalid UTF-8 is an error, as proto3 says. */
  string(): string {
    const end = this.lengthEnd();
    const bytes = this.bytes;
    const start = this.position;
    this.position = end;
    if (end - start <= SHORT_STRING) {
      // Attribute keys and values repeat: a short ASCII string seen before is found by a hash of
      // its bytes and checked byte by byte, instead of being built (and, as a key, interned) again.
      let hash = 0x811c9dc5;
      for (let index = start; index < end; index++) {
        const byte = bytes[index] as number;
        if (byte >= 0x80) return this.#utf8(start, end);
        hash = Math.imul(hash ^ byte, 0x01000193);
      }
      const slot = (hash >>> 0) & (STRING_CACHE_SLOTS - 1);
      const cached = shortStrings[slot];
      if (cached !== undefined && cached.length === end - start) {
        let same = true;
        for (let index = 0; index < cached.length; index++) {
          if (cached.charCodeAt(index) !== bytes[start + index]) {
            same = false;
            break;
          }
        }
        if (same) return cached;
      }
      let text = '';
      for (let index = start; index < end; index++) text += String.fromCharCode(bytes[index] as number);
      shortStrings[slot] = text;
      return text;
    }
    return this.#utf8(start, end);
  }

  /** Reads a length-delimited bytes field as a copy, so the request buffer is not pinned. */
  bytesCopy(): Uint8Array {
    const end = this.lengthEnd();
    const value = this.bytes.slice(this.position, end);
    this.position = end;
    return value;
  }

  /**
   * Scopes the decoder to the length-delimited message that starts here; returns the enclosing
   * end, to hand to `leave` once the message is read.
   */
  enter(): number {
    const end = this.lengthEnd();
    const outer = this.end;
    this.end = end;
    return outer;
  }

  /** Restores the enclosing message's end after `enter`; the message must have been read to its end. */
  leave(outer: number): void {
    this.end = outer;
  }

  /** True while the current message has fields left. */
  more(): boolean {
    return this.position < this.end;
  }

  /** Skips the value of a field whose tag was just read and is not one the caller knows. */
  skipTag(tag: number): void {
    if (tag >>> 3 === 0) throw this.#malformed('field number 0');
    this.skip(tag & 7);
  }

  /** Skips a field's value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.VARINT:
        this.int64();
        return;
      case WireType.FIXED64:
        this.#need(8, 'fixed64');
        this.position += 8;
        return;
      case WireType.LENGTH_DELIMITED:
        this.position = this.lengthEnd();
        return;
      case WireType.FIXED32:
        this.#need(4, 'fixed32');
        this.position += 4;
        return;
      case 3: {
        // A deprecated group: skip fields up to its end-group tag.
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === 4) return;
          this.skip(tag & 7);
        }
      }
      default:
        throw this.#malformed(`wire type ${wireType}`);
    }
  }

  /** Reads repeated doubles, packed or not; `wireType` is that of the tag just read. */
  doubles(wireType: number, into: number[]): void {
    if (wireType === WireType.FIXED64) {
      into.push(this.double());
      return;
    }
    this.#expectPacked(wireType);
    const end = this.lengthEnd();
    if ((end - this.position) % 8 !== 0)
      throw this.#malformed('a packed double field whose length is not a multiple of 8');
    for (; this.position < end; this.position += 8) into.push(this.view.getFloat64(this.position, true));
  }

  /** Reads repeated fixed64 counts, packed or not. */
  fixed64Numbers(wireType: number, into: number[]): void {
    if (wireType === WireType.FIXED64) {
      into.push(this.fixed64Number());
      return;
    }
    this.#expectPacked(wireType);
    const end = this.lengthEnd();
    if ((end - this.position) % 8 !== 0)
      throw this.#malformed('a packed fixed64 field whose length is not a multiple of 8');
    while (this.position < end) into.push(this.fixed64Number());
  }

  /** Reads repeated uint64 varint counts, packed or not. */
  varintNumbers(wireType: number, into: number[]): void {
    if (wireType === WireType.VARINT) {
      into.push(this.uint64Number());
      return;
    }
    this.#expectPacked(wireType);
    const end = this.lengthEnd();
    const outer = this.end;
    this.end = end;
    while (this.position < end) into.push(this.uint64Number());
    this.end = outer;
  }

  /** An error for a message that ends too early. */
  #truncated(what: string): OtlpDecodeError {
    return new OtlpDecodeError(
      `Truncated protobuf: a ${what} runs past the end of its message at byte ${this.position}.`,
    );
  }

  #malformed(what: string): OtlpDecodeError {
    return new OtlpDecodeError(`Malformed protobuf: ${what} at byte ${this.position}.`);
  }

  #need(count: number, what: string): void {
    if (this.position + count > this.end) throw this.#truncated(what);
  }

  #expectPacked(wireType: number): void {
    if (wireType !== WireType.LENGTH_DELIMITED) throw this.#malformed(`wire type ${wireType} for a repeated number`);
  }

  #utf8(start: number, end: number): string {
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch {
      throw new OtlpDecodeError(`Invalid UTF-8 in a string field at byte ${start}.`);
    }
  }
}

/** Joins the two 32-bit halves of a two's-complement int64. */
function combineInt64(low: number, high: number): number | bigint {
  // Non-negative and below 2^53: the common case stays in doubles.
  if (high < 0x200000) return high * TWO_POW_32 + low;
  // Negative with magnitude below 2^53.
  if (high >= 0xffe00000 && (high !== 0xffe00000 || low !== 0)) return (high - TWO_POW_32) * TWO_POW_32 + low;
  return BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low));
}
