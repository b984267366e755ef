// A small growable msgpack writer: enough for the describe answer and a selection answer.

/** Writes msgpack values into a buffer that grows as needed. */
export class MsgpackWriter {
  private buffer: ArrayBuffer = new ArrayBuffer(64);
  private position: i32 = 0;

  /** Writes a map header for `count` entries. */
  writeMapHeader(count: i32): void {
    if (count < 16) this.writeByte(<u8>(0x80 | count));
    else this.writeHeader32(0xdf, count);
  }

  /** Writes an array header for `count` elements. */
  writeArrayHeader(count: i32): void {
    if (count < 16) this.writeByte(<u8>(0x90 | count));
    else this.writeHeader32(0xdd, count);
  }

  /** Writes a UTF-8 string. */
  writeString(value: string): void {
    const bytes = String.UTF8.encode(value);
    const length = bytes.byteLength;
    if (length < 32) this.writeByte(<u8>(0xa0 | length));
    else this.writeHeader32(0xdb, length);
    this.writeBytes(changetype<usize>(bytes), length);
  }

  /** Writes `length` bytes at `source` as a msgpack bin value. */
  writeBinary(source: usize, length: i32): void {
    this.writeHeader32(0xc6, length);
    this.writeBytes(source, length);
  }

  /** The bytes written so far, as a new buffer. */
  finish(): ArrayBuffer {
    return this.buffer.slice(0, this.position);
  }

  private writeHeader32(type: u8, value: i32): void {
    this.writeByte(type);
    this.reserve(4);
    store<u32>(changetype<usize>(this.buffer) + <usize>this.position, bswap<u32>(<u32>value));
    this.position += 4;
  }

  private writeByte(value: u8): void {
    this.reserve(1);
    store<u8>(changetype<usize>(this.buffer) + <usize>this.position, value);
    this.position += 1;
  }

  private writeBytes(source: usize, length: i32): void {
    this.reserve(length);
    memory.copy(changetype<usize>(this.buffer) + <usize>this.position, source, <usize>length);
    this.position += length;
  }

  private reserve(count: i32): void {
    const needed = this.position + count;
    if (needed <= this.buffer.byteLength) return;
    let capacity = this.buffer.byteLength * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new ArrayBuffer(capacity);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.buffer), <usize>this.position);
    this.buffer = grown;
  }
}
