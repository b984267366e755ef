// A msgpack writer tuned for the contract's batches: one growable buffer reused across batches,
// the shortest header for every value, string references (uint or ext type 1) into a table, and
// little-endian packed cells for the columns. It never allocates per value.

const encoder = new TextEncoder();

/** The msgpack ext type of a string reference inside an AnyValue (contracts/README.md, section 2). */
export const STRING_REF_EXT = 1;

/** Writes msgpack into a buffer that grows as needed and is kept for the next batch. */
export class WireWriter {
  bytes: Uint8Array;
  view: DataView;
  position = 0;

  constructor(initialSize = 64 * 1024) {
    this.bytes = new Uint8Array(initialSize);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Starts over; the buffer is kept. */
  reset(): void {
    this.position = 0;
  }

  /** A copy of what was written, which the caller owns. */
  take(): Uint8Array {
    return this.bytes.slice(0, this.position);
  }

  /** Makes room for `count` more bytes. */
  ensure(count: number): void {
    const needed = this.position + count;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.position));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  nil(): void {
    this.ensure(1);
    this.bytes[this.position++] = 0xc0;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.bytes[this.position++] = value ? 0xc3 : 0xc2;
  }

  /** A non-negative integer below 2^53, in the shortest form. */
  uint(value: number): void {
    this.ensure(9);
    const bytes = this.bytes;
    if (value < 0x80) {
      bytes[this.position++] = value;
    } else if (value < 0x100) {
      bytes[this.position++] = 0xcc;
      bytes[this.position++] = value;
    } else if (value < 0x10000) {
      bytes[this.position++] = 0xcd;
      this.view.setUint16(this.position, value);
      this.position += 2;
    } else if (value < 0x100000000) {
      bytes[this.position++] = 0xce;
      this.view.setUint32(this.position, value);
      this.position += 4;
    } else {
      bytes[this.position++] = 0xcf;
      this.view.setUint32(this.position, Math.floor(value / 0x100000000));
      this.view.setUint32(this.position + 4, value >>> 0);
      this.position += 8;
    }
  }

  /** A JS number: an integer within 32 bits as a msgpack int, anything else as float64. */
  number(value: number): void {
    if (Number.isInteger(value) && value >= -0x80000000 && value < 0x100000000) {
      if (value >= 0) {
        this.uint(value);
        return;
      }
      this.ensure(5);
      const bytes = this.bytes;
      if (value >= -32) {
        bytes[this.position++] = value & 0xff;
      } else if (value >= -0x80) {
        bytes[this.position++] = 0xd0;
        this.view.setInt8(this.position++, value);
      } else if (value >= -0x8000) {
        bytes[this.position++] = 0xd1;
        this.view.setInt16(this.position, value);
        this.position += 2;
      } else {
        bytes[this.position++] = 0xd2;
        this.view.setInt32(this.position, value);
        this.position += 4;
      }
      return;
    }
    this.float64(value);
  }

  float64(value: number): void {
    this.ensure(9);
    this.bytes[this.position++] = 0xcb;
    this.view.setFloat64(this.position, value);
    this.position += 8;
  }

  /** A bigint always travels as int64/uint64, so it reads back as a bigint. */
  bigint(value: bigint): void {
    this.ensure(9);
    if (value >= 0n) {
      this.bytes[this.position++] = 0xcf;
      this.view.setBigUint64(this.position, value);
    } else {
      this.bytes[this.position++] = 0xd3;
      this.view.setBigInt64(this.position, value);
    }
    this.position += 8;
  }

  /** A uint64 timestamp (unix nanoseconds). */
  nanos(value: bigint): void {
    this.ensure(9);
    this.bytes[this.position++] = 0xcf;
    this.view.setBigUint64(this.position, value);
    this.position += 8;
  }

  arrayHeader(count: number): void {
    this.ensure(5);
    if (count < 16) {
      this.bytes[this.position++] = 0x90 | count;
    } else if (count < 0x10000) {
      this.bytes[this.position++] = 0xdc;
      this.view.setUint16(this.position, count);
      this.position += 2;
    } else {
      this.bytes[this.position++] = 0xdd;
      this.view.setUint32(this.position, count);
      this.position += 4;
    }
  }

  mapHeader(count: number): void {
    this.ensure(5);
    if (count < 16) {
      this.bytes[this.position++] = 0x80 | count;
    } else if (count < 0x10000) {
      this.bytes[this.position++] = 0xde;
      this.view.setUint16(this.position, count);
      this.position += 2;
    } else {
      this.bytes[this.position++] = 0xdf;
      this.view.setUint32(this.position, count);
      this.position += 4;
    }
  }

  /** Reserves a 5-byte array header to patch once the count is known; returns its position. */
  reserveArray32(): number {
    this.ensure(5);
    const at = this.position;
    this.bytes[at] = 0xdd;
    this.position += 5;
    return at;
  }

  /** Fills in an array header reserved by {@link reserveArray32}. */
  patchArray32(at: number, count: number): void {
    this.view.setUint32(at + 1, count);
  }

  /** Reserves a 5-byte bin header to patch once the length is known; returns its position. */
  reserveBin32(): number {
    this.ensure(5);
    const at = this.position;
    this.bytes[at] = 0xc6;
    this.position += 5;
    return at;
  }

  /** Fills in a bin header reserved by {@link reserveBin32} with the bytes written since. */
  patchBin32(at: number): void {
    this.view.setUint32(at + 1, this.position - at - 5);
  }

  binHeader(length: number): void {
    this.ensure(5 + length);
    if (length < 0x100) {
      this.bytes[this.position++] = 0xc4;
      this.bytes[this.position++] = length;
    } else if (length < 0x10000) {
      this.bytes[this.position++] = 0xc5;
      this.view.setUint16(this.position, length);
      this.position += 2;
    } else {
      this.bytes[this.position++] = 0xc6;
      this.view.setUint32(this.position, length);
      this.position += 4;
    }
  }

  bin(value: Uint8Array): void {
    this.binHeader(value.length);
    this.bytes.set(value, this.position);
    this.position += value.length;
  }

  /** Bytes copied as they are (an already encoded value). */
  raw(source: Uint8Array, start = 0, end = source.length): void {
    const length = end - start;
    this.ensure(length);
    this.bytes.set(source.subarray(start, end), this.position);
    this.position += length;
  }

  /** An inline UTF-8 str. ASCII is copied by hand; anything else goes through TextEncoder. */
  str(value: string): void {
    const length = value.length;
    this.ensure(5 + length * 3);
    const bytes = this.bytes;
    // Assume one byte per character and a one-byte header; fix up below when that was wrong.
    let headerSize = length < 32 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
    let at = this.position + headerSize;
    let ascii = true;
    for (let index = 0; index < length; index++) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      bytes[at++] = code;
    }
    let byteLength = length;
    if (!ascii) {
      // Worst case 3 bytes per UTF-16 unit: reserve the header for that, then encode.
      headerSize = length * 3 < 32 ? 1 : length * 3 < 0x100 ? 2 : length * 3 < 0x10000 ? 3 : 5;
      byteLength = encoder.encodeInto(value, bytes.subarray(this.position + headerSize)).written;
      const shorter = byteLength < 32 ? 1 : byteLength < 0x100 ? 2 : byteLength < 0x10000 ? 3 : 5;
      if (shorter !== headerSize) {
        bytes.copyWithin(this.position + shorter, this.position + headerSize, this.position + headerSize + byteLength);
        headerSize = shorter;
      }
    }
    this.#strHeader(byteLength, headerSize);
    this.position += headerSize + byteLength;
  }

  #strHeader(length: number, size: number): void {
    const at = this.position;
    if (size === 1) this.bytes[at] = 0xa0 | length;
    else if (size === 2) {
      this.bytes[at] = 0xd9;
      this.bytes[at + 1] = length;
    } else if (size === 3) {
      this.bytes[at] = 0xda;
      this.view.setUint16(at + 1, length);
    } else {
      this.bytes[at] = 0xdb;
      this.view.setUint32(at + 1, length);
    }
  }

  /** A string reference inside an AnyValue: ext type 1 with the big-endian index. */
  stringRef(index: number): void {
    this.ensure(6);
    const bytes = this.bytes;
    if (index < 0x100) {
      bytes[this.position++] = 0xd4;
      bytes[this.position++] = STRING_REF_EXT;
      bytes[this.position++] = index;
    } else if (index < 0x10000) {
      bytes[this.position++] = 0xd5;
      bytes[this.position++] = STRING_REF_EXT;
      this.view.setUint16(this.position, index);
      this.position += 2;
    } else {
      bytes[this.position++] = 0xd6;
      bytes[this.position++] = STRING_REF_EXT;
      this.view.setUint32(this.position, index);
      this.position += 4;
    }
  }
}
