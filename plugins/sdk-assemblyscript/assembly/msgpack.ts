// msgpack over raw guest memory. The Reader walks bytes in place (a batch is never copied or
// decoded into objects to be read) and never traps on bad input: it sets `failed` and returns
// zeros, and callers check `failed` once. The Writer grows one buffer and keeps it between calls.

/** The msgpack ext type of a string reference inside an AnyValue (contracts/README.md, section 2). */
export const STRING_REF_EXT: u8 = 1;

/** Reads msgpack values from the bytes [pos, end). */
export class Reader {
  failed: bool = false;
  /** Where the bytes of the last str or bin read by a header method start. */
  dataPtr: usize = 0;

  constructor(
    public pos: usize,
    public end: usize,
  ) {}

  /** A reader over a whole ArrayBuffer (a waPC payload). */
  static over(buffer: ArrayBuffer): Reader {
    const base = changetype<usize>(buffer);
    return new Reader(base, base + <usize>buffer.byteLength);
  }

  /** A reader over [start, end). */
  static range(start: usize, end: usize): Reader {
    return new Reader(start, end);
  }

  /** Points this reader at [start, end) and clears `failed` (a reader reused on a hot path allocates nothing). */
  reset(start: usize, end: usize): Reader {
    this.pos = start;
    this.end = end;
    this.failed = false;
    this.dataPtr = 0;
    return this;
  }

  /** True when every byte has been read. */
  atEnd(): bool {
    return this.pos >= this.end;
  }

  /** The type byte of the next value (0xc1, "never used", and `failed` when out of bytes). */
  peek(): u8 {
    if (this.pos >= this.end) {
      this.failed = true;
      return 0xc1;
    }
    return load<u8>(this.pos);
  }

  /** True when the next value is nil (not consumed). */
  isNil(): bool {
    return this.pos < this.end && load<u8>(this.pos) == 0xc0;
  }

  /** Consumes a nil and returns true, or returns false and consumes nothing. */
  readNil(): bool {
    if (!this.isNil()) return false;
    this.pos += 1;
    return true;
  }

  /** An array header: its element count, or -1 (and `failed`) when the value is not an array. */
  readArrayHeader(): i32 {
    const type = this.peek();
    if (type >= 0x90 && type <= 0x9f) {
      this.pos += 1;
      return <i32>(type & 0x0f);
    }
    if (type == 0xdc) return this.readLength(2);
    if (type == 0xdd) return this.readLength(4);
    this.failed = true;
    return -1;
  }

  /** A map header: its entry count, or -1 (and `failed`). */
  readMapHeader(): i32 {
    const type = this.peek();
    if (type >= 0x80 && type <= 0x8f) {
      this.pos += 1;
      return <i32>(type & 0x0f);
    }
    if (type == 0xde) return this.readLength(2);
    if (type == 0xdf) return this.readLength(4);
    this.failed = true;
    return -1;
  }

  /** A str: consumes it, leaves its bytes' address in `dataPtr`, returns its byte length (-1 if not a str). */
  readStrHeader(): i32 {
    const type = this.peek();
    let length: i32 = -1;
    if (type >= 0xa0 && type <= 0xbf) {
      this.pos += 1;
      length = <i32>(type & 0x1f);
    } else if (type == 0xd9) length = this.readLength(1);
    else if (type == 0xda) length = this.readLength(2);
    else if (type == 0xdb) length = this.readLength(4);
    return this.consumeData(length);
  }

  /** A bin: consumes it, leaves its bytes' address in `dataPtr`, returns its byte length (-1 if not a bin). */
  readBinHeader(): i32 {
    const type = this.peek();
    let length: i32 = -1;
    if (type == 0xc4) length = this.readLength(1);
    else if (type == 0xc5) length = this.readLength(2);
    else if (type == 0xc6) length = this.readLength(4);
    return this.consumeData(length);
  }

  /** A str decoded into an AssemblyScript string (for config, not for hot paths). */
  readString(): string {
    const length = this.readStrHeader();
    if (length < 0) return '';
    return String.UTF8.decodeUnsafe(this.dataPtr, <usize>length);
  }

  /** True when the next value is an integer of any width. */
  isInteger(): bool {
    const type = this.peek();
    return type <= 0x7f || type >= 0xe0 || (type >= 0xcc && type <= 0xd3);
  }

  /** True when the next value is a number (integer or float). */
  isNumber(): bool {
    const type = this.peek();
    return this.isInteger() || type == 0xca || type == 0xcb;
  }

  /** Any integer or float as f64. */
  readFloat(): f64 {
    const type = this.peek();
    if (type == 0xcb) {
      if (!this.has(9)) return 0;
      const value = reinterpret<f64>(bswap<u64>(load<u64>(this.pos + 1)));
      this.pos += 9;
      return value;
    }
    if (type == 0xca) {
      if (!this.has(5)) return 0;
      const value = <f64>reinterpret<f32>(bswap<u32>(load<u32>(this.pos + 1)));
      this.pos += 5;
      return value;
    }
    if (type == 0xcf) return <f64>this.readUint();
    return <f64>this.readInt();
  }

  /** Any integer as i64 (uint64 above 2^63 wraps); a float is truncated. */
  readInt(): i64 {
    const type = this.peek();
    if (type <= 0x7f) {
      this.pos += 1;
      return <i64>type;
    }
    if (type >= 0xe0) {
      this.pos += 1;
      return <i64>(<i8>type);
    }
    const at = this.pos + 1;
    let size: usize = 0;
    let value: i64 = 0;
    if (type == 0xcc) {
      size = 1;
      if (this.has(2)) value = <i64>load<u8>(at);
    } else if (type == 0xcd) {
      size = 2;
      if (this.has(3)) value = <i64>bswap<u16>(load<u16>(at));
    } else if (type == 0xce) {
      size = 4;
      if (this.has(5)) value = <i64>bswap<u32>(load<u32>(at));
    } else if (type == 0xcf) {
      size = 8;
      if (this.has(9)) value = <i64>bswap<u64>(load<u64>(at));
    } else if (type == 0xd0) {
      size = 1;
      if (this.has(2)) value = <i64>load<i8>(at);
    } else if (type == 0xd1) {
      size = 2;
      if (this.has(3)) value = <i64>(<i16>bswap<u16>(load<u16>(at)));
    } else if (type == 0xd2) {
      size = 4;
      if (this.has(5)) value = <i64>(<i32>bswap<u32>(load<u32>(at)));
    } else if (type == 0xd3) {
      size = 8;
      if (this.has(9)) value = <i64>bswap<u64>(load<u64>(at));
    } else if (type == 0xca || type == 0xcb) {
      return <i64>this.readFloat();
    } else {
      this.failed = true;
      return 0;
    }
    if (!this.failed) this.pos = at + size;
    return value;
  }

  /** A non-negative integer (a negative one sets `failed`). */
  readUint(): u64 {
    const type = this.peek();
    if (type <= 0x7f) {
      this.pos += 1;
      return <u64>type;
    }
    if (type == 0xcf) {
      if (!this.has(9)) return 0;
      const value = bswap<u64>(load<u64>(this.pos + 1));
      this.pos += 9;
      return value;
    }
    if (type == 0xca || type == 0xcb) {
      this.failed = true;
      return 0;
    }
    const value = this.readInt();
    if (value < 0) this.failed = true;
    return <u64>value;
  }

  /** A boolean; nil reads as false. */
  readBool(): bool {
    const type = this.peek();
    if (type == 0xc3 || type == 0xc2 || type == 0xc0) {
      this.pos += 1;
      return type == 0xc3;
    }
    this.failed = true;
    return false;
  }

  /** Skips one value, however deeply nested, without recursion. */
  skip(): void {
    let pending: i64 = 1;
    const end = this.end;
    while (pending > 0 && !this.failed) {
      pending -= 1;
      const at = this.pos;
      if (at >= end) {
        this.failed = true;
        return;
      }
      const type = load<u8>(at);
      // The one-byte headers and the string references (fixext) first: most of what a batch holds.
      if (type <= 0x7f || type >= 0xe0 || type == 0xc0 || type == 0xc2 || type == 0xc3) this.pos = at + 1;
      else if (type <= 0x8f) {
        pending += 2 * <i64>(type & 0x0f);
        this.pos = at + 1;
      } else if (type <= 0x9f) {
        pending += <i64>(type & 0x0f);
        this.pos = at + 1;
      } else if (type <= 0xbf) {
        const next = at + 1 + <usize>(type & 0x1f);
        if (next > end) {
          this.failed = true;
          return;
        }
        this.pos = next;
      } else if (type >= 0xd4 && type <= 0xd8) {
        const next = at + 2 + (<usize>1 << <usize>(type - 0xd4));
        if (next > end) {
          this.failed = true;
          return;
        }
        this.pos = next;
      } else if (type == 0xde || type == 0xdf) pending += 2 * <i64>this.readMapHeader();
      else if (type == 0xdc || type == 0xdd) pending += <i64>this.readArrayHeader();
      else if (type >= 0xd9 && type <= 0xdb) this.readStrHeader();
      else if (type >= 0xc4 && type <= 0xc6) this.readBinHeader();
      else this.skipScalar(type);
    }
  }

  /** Skips `count` values. */
  skipMany(count: i32): void {
    for (let index = 0; index < count; index++) this.skip();
  }

  private skipScalar(type: u8): void {
    let size: i32 = -1;
    if (type == 0xc7) size = this.readLength(1) + 1;
    else if (type == 0xc8) size = this.readLength(2) + 1;
    else if (type == 0xc9) size = this.readLength(4) + 1;
    else {
      if (type == 0xca) size = 5;
      else if (type == 0xcb || type == 0xcf || type == 0xd3) size = 9;
      else if (type == 0xcc || type == 0xd0) size = 2;
      else if (type == 0xcd || type == 0xd1) size = 3;
      else if (type == 0xce || type == 0xd2) size = 5;
      else if (type >= 0xd4 && type <= 0xd8) size = 2 + (1 << (type - 0xd4));
      if (size > 0 && !this.has(size)) return;
    }
    if (size < 0 || this.failed) {
      this.failed = true;
      return;
    }
    this.pos += <usize>size;
  }

  /** True when `count` more bytes are there; sets `failed` otherwise. */
  has(count: i32): bool {
    if (this.pos + <usize>count > this.end) {
      this.failed = true;
      return false;
    }
    return true;
  }

  // A big-endian length of `width` bytes after the type byte; -1 and `failed` past the end.
  private readLength(width: i32): i32 {
    if (!this.has(1 + width)) return -1;
    const at = this.pos + 1;
    let value: u32 = 0;
    if (width == 1) value = <u32>load<u8>(at);
    else if (width == 2) value = <u32>bswap<u16>(load<u16>(at));
    else value = bswap<u32>(load<u32>(at));
    this.pos = at + <usize>width;
    if (value > 0x7fffffff) {
      this.failed = true;
      return -1;
    }
    return <i32>value;
  }

  private consumeData(length: i32): i32 {
    if (length < 0 || this.pos + <usize>length > this.end) {
      this.failed = true;
      return -1;
    }
    this.dataPtr = this.pos;
    this.pos += <usize>length;
    return length;
  }
}

/** Writes msgpack into a buffer that grows as needed. */
export class Writer {
  buffer: ArrayBuffer;
  position: i32 = 0;

  constructor(capacity: i32 = 1024) {
    this.buffer = new ArrayBuffer(capacity);
  }

  /** Starts over; the buffer is kept. */
  reset(): void {
    this.position = 0;
  }

  /** The address of the next byte to be written. */
  @inline get cursor(): usize {
    return changetype<usize>(this.buffer) + <usize>this.position;
  }

  /** The bytes written so far, as a new buffer. */
  finish(): ArrayBuffer {
    return this.buffer.slice(0, this.position);
  }

  /** Makes room for `count` more bytes. */
  reserve(count: i32): void {
    const needed = this.position + count;
    if (needed <= this.buffer.byteLength) return;
    let capacity = this.buffer.byteLength * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new ArrayBuffer(capacity);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.buffer), <usize>this.position);
    this.buffer = grown;
  }

  writeByte(value: u8): void {
    this.reserve(1);
    store<u8>(this.cursor, value);
    this.position += 1;
  }

  writeNil(): void {
    this.writeByte(0xc0);
  }

  writeBool(value: bool): void {
    this.writeByte(value ? 0xc3 : 0xc2);
  }

  writeUint(value: u64): void {
    if (value < 0x80) this.writeByte(<u8>value);
    else if (value < 0x100) this.writeTyped8(0xcc, <u8>value);
    else if (value < 0x10000) this.writeTyped16(0xcd, <u16>value);
    else if (value < 0x100000000) this.writeTyped32(0xce, <u32>value);
    else {
      this.reserve(9);
      store<u8>(this.cursor, 0xcf);
      store<u64>(this.cursor + 1, bswap<u64>(value));
      this.position += 9;
    }
  }

  writeInt(value: i64): void {
    if (value >= 0) {
      this.writeUint(<u64>value);
      return;
    }
    if (value >= -32) this.writeByte(<u8>(<i8>value));
    else if (value >= -128) this.writeTyped8(0xd0, <u8>(<i8>value));
    else if (value >= -32768) this.writeTyped16(0xd1, <u16>(<i16>value));
    else if (value >= -2147483648) this.writeTyped32(0xd2, <u32>(<i32>value));
    else {
      this.reserve(9);
      store<u8>(this.cursor, 0xd3);
      store<u64>(this.cursor + 1, bswap<u64>(<u64>value));
      this.position += 9;
    }
  }

  writeFloat64(value: f64): void {
    this.reserve(9);
    store<u8>(this.cursor, 0xcb);
    store<u64>(this.cursor + 1, bswap<u64>(reinterpret<u64>(value)));
    this.position += 9;
  }

  writeArrayHeader(count: i32): void {
    if (count < 16) this.writeByte(<u8>(0x90 | count));
    else if (count < 0x10000) this.writeTyped16(0xdc, <u16>count);
    else this.writeTyped32(0xdd, <u32>count);
  }

  writeMapHeader(count: i32): void {
    if (count < 16) this.writeByte(<u8>(0x80 | count));
    else if (count < 0x10000) this.writeTyped16(0xde, <u16>count);
    else this.writeTyped32(0xdf, <u32>count);
  }

  writeStrHeader(length: i32): void {
    if (length < 32) this.writeByte(<u8>(0xa0 | length));
    else if (length < 0x100) this.writeTyped8(0xd9, <u8>length);
    else if (length < 0x10000) this.writeTyped16(0xda, <u16>length);
    else this.writeTyped32(0xdb, <u32>length);
  }

  /** A str from `length` UTF-8 bytes at `source`. */
  writeStringBytes(source: usize, length: i32): void {
    this.writeStrHeader(length);
    this.writeRaw(source, length);
  }

  /** A str from an AssemblyScript string. */
  writeString(value: string): void {
    const bytes = String.UTF8.encode(value);
    this.writeStringBytes(changetype<usize>(bytes), bytes.byteLength);
  }

  writeBinHeader(length: i32): void {
    if (length < 0x100) this.writeTyped8(0xc4, <u8>length);
    else if (length < 0x10000) this.writeTyped16(0xc5, <u16>length);
    else this.writeTyped32(0xc6, <u32>length);
  }

  /** A bin of `length` bytes at `source`. */
  writeBinary(source: usize, length: i32): void {
    this.writeBinHeader(length);
    this.writeRaw(source, length);
  }

  /** A string reference in an AnyValue position: ext type 1 with the big-endian index. */
  writeStringRef(index: i32): void {
    if (index < 0x100) {
      this.reserve(3);
      store<u8>(this.cursor, 0xd4);
      store<u8>(this.cursor + 1, STRING_REF_EXT);
      store<u8>(this.cursor + 2, <u8>index);
      this.position += 3;
    } else if (index < 0x10000) {
      this.reserve(4);
      store<u8>(this.cursor, 0xd5);
      store<u8>(this.cursor + 1, STRING_REF_EXT);
      store<u16>(this.cursor + 2, bswap<u16>(<u16>index));
      this.position += 4;
    } else {
      this.reserve(6);
      store<u8>(this.cursor, 0xd6);
      store<u8>(this.cursor + 1, STRING_REF_EXT);
      store<u32>(this.cursor + 2, bswap<u32>(<u32>index));
      this.position += 6;
    }
  }

  /** Bytes copied as they are (an already encoded value). */
  writeRaw(source: usize, length: i32): void {
    if (length <= 0) return;
    this.reserve(length);
    memory.copy(this.cursor, source, <usize>length);
    this.position += length;
  }

  /** Reserves a 5-byte header (array32 0xdd or bin32 0xc6) to patch later; returns its position. */
  reserveHeader32(type: u8): i32 {
    this.reserve(5);
    const at = this.position;
    store<u8>(this.cursor, type);
    this.position += 5;
    return at;
  }

  /** Fills in a header reserved by {@link reserveHeader32}. */
  patchHeader32(at: i32, value: u32): void {
    store<u32>(changetype<usize>(this.buffer) + <usize>at + 1, bswap<u32>(value));
  }

  /** Fills in a bin32 header with the number of bytes written since it. */
  patchBin32(at: i32): void {
    this.patchHeader32(at, <u32>(this.position - at - 5));
  }

  /** Reserves `count` bytes to fill in directly; returns their address (valid until the next write). */
  claim(count: i32): usize {
    this.reserve(count);
    const at = this.cursor;
    this.position += count;
    return at;
  }

  private writeTyped8(type: u8, value: u8): void {
    this.reserve(2);
    store<u8>(this.cursor, type);
    store<u8>(this.cursor + 1, value);
    this.position += 2;
  }

  private writeTyped16(type: u8, value: u16): void {
    this.reserve(3);
    store<u8>(this.cursor, type);
    store<u16>(this.cursor + 1, bswap<u16>(value));
    this.position += 3;
  }

  private writeTyped32(type: u8, value: u32): void {
    this.reserve(5);
    store<u8>(this.cursor, type);
    store<u32>(this.cursor + 1, bswap<u32>(value));
    this.position += 5;
  }
}
