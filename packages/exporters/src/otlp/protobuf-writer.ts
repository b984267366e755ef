// A growable protobuf byte writer built on web standards only (no eval, no protobufjs), so the
// encoders run unchanged on Node, Deno, Bun and edge runtimes.
//
// Length-delimited fields are written in one pass: `beginMessage` reserves one byte for the
// length and `endMessage` back-patches it. Most nested messages (key-values, any-values, data
// points) are under 128 bytes, so the guess is right; a bigger one moves its content right by the
// extra length bytes with one `copyWithin`, which costs a memmove per large container only.

/** Protobuf wire types. */
export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;

const TWO_POW_32 = 4_294_967_296;
const INITIAL_CAPACITY = 64 * 1024;
/** A writer that grew past this drops its buffer after `finish`, so one huge batch does not pin memory. */
const RETAINED_CAPACITY = 16 * 1024 * 1024;
/** Strings up to this many UTF-16 units are encoded by a JS loop, faster than `encodeInto` for short text. */
const SHORT_STRING = 48;

const textEncoder = new TextEncoder();

/** The number of bytes the varint encoding of a non-negative 32-bit integer takes. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Writes protobuf fields into one growable buffer; reusable through `finish`. */
export class ProtobufWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #position = 0;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.#buffer = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** The number of bytes written so far. */
  get length(): number {
    return this.#position;
  }

  /** Returns a copy of the bytes written and resets the writer for the next message. */
  finish(): Uint8Array<ArrayBuffer> {
    const bytes = this.#buffer.slice(0, this.#position);
    this.#position = 0;
    if (this.#buffer.length > RETAINED_CAPACITY) {
      this.#buffer = new Uint8Array(INITIAL_CAPACITY);
      this.#view = new DataView(this.#buffer.buffer);
    }
    return bytes;
  }

  /** Drops what was written, after an encoder failed half-way. */
  reset(): void {
    this.#position = 0;
  }

  /** Writes a field tag. */
  tag(fieldNumber: number, wireType: number): void {
    this.varint32((fieldNumber << 3) | wireType);
  }

  /** Writes a non-negative integer below 2^32 as a varint. */
  varint32(value: number): void {
    this.#ensure(5);
    const buffer = this.#buffer;
    let position = this.#position;
    let remaining = value >>> 0;
    while (remaining > 0x7f) {
      buffer[position++] = (remaining & 0x7f) | 0x80;
      remaining >>>= 7;
    }
    buffer[position++] = remaining;
    this.#position = position;
  }

  /** Writes an int64 varint from a safe integer (negative numbers take ten bytes, as protobuf says). */
  int64(value: number): void {
    if (value >= 0 && value < TWO_POW_32) {
      this.varint32(value);
      return;
    }
    const magnitude = Math.abs(value);
    let low = magnitude >>> 0;
    let high = Math.floor(magnitude / TWO_POW_32) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    this.#varint64(low, high);
  }

  /** Writes an int64 varint from a bigint, wrapped to 64 bits. */
  int64BigInt(value: bigint): void {
    const unsigned = BigInt.asUintN(64, value);
    this.#varint64(Number(unsigned & 0xffffffffn), Number(unsigned >> 32n));
  }

  /** Writes a sint32 (zigzag varint). */
  sint32(value: number): void {
    this.varint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Writes a double, little-endian. */
  double(value: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#position, value, true);
    this.#position += 8;
  }

  /** Writes a fixed32, little-endian. */
  fixed32(value: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#position, value >>> 0, true);
    this.#position += 4;
  }

  /** Writes a fixed64 or sfixed64 from a safe integer (two's complement when negative). */
  fixed64(value: number): void {
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = Math.floor(value / TWO_POW_32) >>> 0;
    } else {
      const magnitude = -value;
      low = magnitude >>> 0;
      high = Math.floor(magnitude / TWO_POW_32) >>> 0;
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    this.#fixed64Parts(low, high);
  }

  /** Writes a fixed64 from a bigint, such as a unix-nanosecond timestamp (wrapped to 64 bits). */
  fixed64BigInt(value: bigint): void {
    this.#ensure(8);
    this.#view.setBigUint64(this.#position, value, true);
    this.#position += 8;
  }

  /** Writes a string as a length-prefixed UTF-8 field value. */
  string(value: string): void {
    const units = value.length;
    if (units <= SHORT_STRING && this.#asciiString(value)) return;
    // UTF-8 takes at most three bytes per UTF-16 unit; reserve for that, then shrink if shorter.
    const reserved = varintSize(units * 3);
    this.#ensure(reserved + units * 3);
    const start = this.#position + reserved;
    const { written } = textEncoder.encodeInto(value, this.#buffer.subarray(start));
    this.#position = start + written;
    this.#patchLength(start - reserved, reserved);
  }

  /** Writes bytes as a length-prefixed field value. */
  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.#ensure(value.length);
    this.#buffer.set(value, this.#position);
    this.#position += value.length;
  }

  /** Writes the tag of a length-delimited field and reserves its length; pass the result to `endMessage`. */
  beginMessage(fieldNumber: number): number {
    this.varint32((fieldNumber << 3) | WireType.LENGTH_DELIMITED);
    this.#ensure(1);
    this.#position += 1;
    return this.#position;
  }

  /** Back-patches the length of the field started by `beginMessage`. */
  endMessage(start: number): void {
    this.#patchLength(start - 1, 1);
  }

  /** Writes a packed repeated double field; nothing when `values` is empty. */
  packedDoubles(fieldNumber: number, values: readonly number[]): void {
    const count = values.length;
    if (count === 0) return;
    this.tag(fieldNumber, WireType.LENGTH_DELIMITED);
    this.varint32(count * 8);
    this.#ensure(count * 8);
    const view = this.#view;
    let position = this.#position;
    for (let index = 0; index < count; index++, position += 8) view.setFloat64(position, values[index] as number, true);
    this.#position = position;
  }

  /** Writes a packed repeated fixed64 field from safe integers; nothing when `values` is empty. */
  packedFixed64(fieldNumber: number, values: readonly number[]): void {
    const count = values.length;
    if (count === 0) return;
    this.tag(fieldNumber, WireType.LENGTH_DELIMITED);
    this.varint32(count * 8);
    for (let index = 0; index < count; index++) this.fixed64(values[index] as number);
  }

  /** Writes a packed repeated uint64 varint field from safe integers; nothing when `values` is empty. */
  packedVarints(fieldNumber: number, values: readonly number[]): void {
    const count = values.length;
    if (count === 0) return;
    const start = this.beginMessage(fieldNumber);
    for (let index = 0; index < count; index++) this.int64(values[index] as number);
    this.endMessage(start);
  }

  /** Writes the length of the content between `lengthAt + reserved` and the current position. */
  #patchLength(lengthAt: number, reserved: number): void {
    const contentStart = lengthAt + reserved;
    const length = this.#position - contentStart;
    const needed = varintSize(length);
    if (needed !== reserved) {
      if (needed > reserved) this.#ensure(needed - reserved);
      this.#buffer.copyWithin(lengthAt + needed, contentStart, contentStart + length);
    }
    const buffer = this.#buffer;
    let position = lengthAt;
    let remaining = length;
    while (remaining > 0x7f) {
      buffer[position++] = (remaining & 0x7f) | 0x80;
      remaining >>>= 7;
    }
    buffer[position] = remaining;
    this.#position = lengthAt + needed + length;
  }

  /** Encodes a short string byte by byte; returns false (having written nothing) on non-ASCII. */
  #asciiString(value: string): boolean {
    const length = value.length;
    this.#ensure(length + 1);
    const buffer = this.#buffer;
    const start = this.#position + 1;
    for (let index = 0; index < length; index++) {
      const code = value.charCodeAt(index);
      if (code > 0x7f) return false;
      buffer[start + index] = code;
    }
    buffer[this.#position] = length;
    this.#position = start + length;
    return true;
  }

  #varint64(low: number, high: number): void {
    this.#ensure(10);
    const buffer = this.#buffer;
    let position = this.#position;
    let lowBits = low;
    let highBits = high;
    while (highBits !== 0 || lowBits > 0x7f) {
      buffer[position++] = (lowBits & 0x7f) | 0x80;
      lowBits = ((lowBits >>> 7) | (highBits << 25)) >>> 0;
      highBits >>>= 7;
    }
    buffer[position++] = lowBits;
    this.#position = position;
  }

  #fixed64Parts(low: number, high: number): void {
    this.#ensure(8);
    const view = this.#view;
    view.setUint32(this.#position, low, true);
    view.setUint32(this.#position + 4, high, true);
    this.#position += 8;
  }

  #ensure(byteCount: number): void {
    if (this.#position + byteCount <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < this.#position + byteCount) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.#position));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }
}
