// A forward-only msgpack reader over guest memory. It never allocates for values it skips, so a
// plugin can walk a whole batch and read only the fields it needs. On malformed input it sets
// `failed` and returns zeros instead of trapping; callers check `failed` once at the end.

/** Reads msgpack values from `length` bytes at `base`. */
export class MsgpackReader {
  position: i32 = 0;
  failed: bool = false;
  /** Where the bytes of the last string read by `readStringHeader` start. */
  stringStart: usize = 0;

  constructor(
    public base: usize,
    public length: i32,
  ) {}

  /** A reader over a whole ArrayBuffer (a waPC payload). */
  static over(buffer: ArrayBuffer): MsgpackReader {
    return new MsgpackReader(changetype<usize>(buffer), buffer.byteLength);
  }

  /** True when every byte has been read. */
  atEnd(): bool {
    return this.position >= this.length;
  }

  /** The type byte of the next value, without consuming it (0xc1, "never used", when out of bytes). */
  peek(): u8 {
    if (this.position >= this.length) {
      this.failed = true;
      return 0xc1;
    }
    return load<u8>(this.base + <usize>this.position);
  }

  /** True when the next value is nil; consumes it if so. */
  readNil(): bool {
    if (this.peek() != 0xc0) return false;
    this.position += 1;
    return true;
  }

  /** Reads an array header and returns its element count, or -1 when the value is not an array. */
  readArrayHeader(): i32 {
    const type = this.peek();
    if (type >= 0x90 && type <= 0x9f) {
      this.position += 1;
      return <i32>(type & 0x0f);
    }
    if (type == 0xdc) return this.readLength(1, 2);
    if (type == 0xdd) return this.readLength(1, 4);
    this.failed = true;
    return -1;
  }

  /** Reads a map header and returns its entry count, or -1 when the value is not a map. */
  readMapHeader(): i32 {
    const type = this.peek();
    if (type >= 0x80 && type <= 0x8f) {
      this.position += 1;
      return <i32>(type & 0x0f);
    }
    if (type == 0xde) return this.readLength(1, 2);
    if (type == 0xdf) return this.readLength(1, 4);
    this.failed = true;
    return -1;
  }

  /** Reads a string header, leaves its bytes' address in `stringStart`, skips them, returns the byte length. */
  readStringHeader(): i32 {
    const type = this.peek();
    let length: i32 = -1;
    if (type >= 0xa0 && type <= 0xbf) {
      this.position += 1;
      length = <i32>(type & 0x1f);
    } else if (type == 0xd9) length = this.readLength(1, 1);
    else if (type == 0xda) length = this.readLength(1, 2);
    else if (type == 0xdb) length = this.readLength(1, 4);
    if (length < 0 || !this.advance(length)) {
      this.failed = true;
      return 0;
    }
    this.stringStart = this.base + <usize>(this.position - length);
    return length;
  }

  /** Reads a string value into an AssemblyScript string (for config keys, not for hot paths). */
  readString(): string {
    const length = this.readStringHeader();
    if (this.failed) return '';
    return String.UTF8.decodeUnsafe(this.stringStart, <usize>length);
  }

  /** Skips one value, however deeply nested, without recursion. */
  skip(): void {
    let pending: i64 = 1;
    while (pending > 0 && !this.failed) {
      pending -= 1;
      const type = this.peek();
      if (this.failed) return;
      if (type <= 0x7f || type >= 0xe0 || type == 0xc0 || type == 0xc2 || type == 0xc3) this.position += 1;
      else if (type >= 0x80 && type <= 0x8f) pending += 2 * <i64>this.readMapHeader();
      else if (type >= 0x90 && type <= 0x9f) pending += <i64>this.readArrayHeader();
      else if (type >= 0xa0 && type <= 0xbf) this.readStringHeader();
      else if (type == 0xdc || type == 0xdd) pending += <i64>this.readArrayHeader();
      else if (type == 0xde || type == 0xdf) pending += 2 * <i64>this.readMapHeader();
      else this.skipScalar(type);
    }
  }

  /** Skips the value `count` times. */
  skipMany(count: i32): void {
    for (let index = 0; index < count; index++) this.skip();
  }

  private skipScalar(type: u8): void {
    let size: i32 = -1;
    if (type == 0xc4) size = this.readLength(1, 1);
    else if (type == 0xc5) size = this.readLength(1, 2);
    else if (type == 0xc6) size = this.readLength(1, 4);
    else if (type == 0xc7) size = this.readLength(1, 1) + 1;
    else if (type == 0xc8) size = this.readLength(1, 2) + 1;
    else if (type == 0xc9) size = this.readLength(1, 4) + 1;
    else if (type == 0xca) size = 5;
    else if (type == 0xcb) size = 9;
    else if (type == 0xcc || type == 0xd0) size = 2;
    else if (type == 0xcd || type == 0xd1) size = 3;
    else if (type == 0xce || type == 0xd2) size = 5;
    else if (type == 0xcf || type == 0xd3) size = 9;
    else if (type >= 0xd4 && type <= 0xd8) size = 2 + (1 << (type - 0xd4));
    else if (type >= 0xd9 && type <= 0xdb) {
      this.readStringHeader();
      return;
    }
    if (size < 0 || !this.advance(size)) this.failed = true;
  }

  /** Reads a big-endian length of `width` bytes after `skipBytes` header bytes. */
  private readLength(skipBytes: i32, width: i32): i32 {
    const start = this.position + skipBytes;
    if (start + width > this.length) {
      this.failed = true;
      return -1;
    }
    const at = this.base + <usize>start;
    let value: u32 = 0;
    if (width == 1) value = <u32>load<u8>(at);
    else if (width == 2) value = <u32>bswap<u16>(load<u16>(at));
    else value = bswap<u32>(load<u32>(at));
    this.position = start + width;
    if (value > <u32>this.length) {
      this.failed = true;
      return -1;
    }
    return <i32>value;
  }

  private advance(count: i32): bool {
    if (count < 0 || this.position + count > this.length) return false;
    this.position += count;
    return true;
  }
}
