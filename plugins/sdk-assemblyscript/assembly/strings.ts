// A batch's string table. Every string of a batch has an id: the index of its table entry. The
// entries of the input table point into the payload (nothing is copied); strings a plugin adds
// are appended, so input ids stay valid and untouched bytes can be copied to the output as they
// are. Strings are compared by id: each distinct content has one id (a hash index dedupes).

import { Writer } from './msgpack';

/** The id of no string (a missing attribute, an absent field). */
export const NO_STRING: i32 = -1;

export class StringTable {
  /** Where each entry's UTF-8 bytes are, and how many. */
  private pointers: Array<usize> = new Array<usize>();
  private lengths: Array<i32> = new Array<i32>();
  /** Buffers that own the bytes of appended strings (kept alive here). */
  private owned: Array<ArrayBuffer> = new Array<ArrayBuffer>();
  /** How many entries came with the input table. */
  inputCount: i32 = 0;
  /** Where the input table's entries start and end in the payload (its header excluded). */
  inputStart: usize = 0;
  inputEnd: usize = 0;
  // Open addressing: slot -> id + 1 (0 = empty); built on the first lookup by content.
  private slots: StaticArray<i32> = new StaticArray<i32>(0);
  private indexed: i32 = 0;

  /** The number of entries. */
  get count(): i32 {
    return this.pointers.length;
  }

  /** The address of the UTF-8 bytes of string `id`. */
  @inline pointer(id: i32): usize {
    return unchecked(this.pointers[id]);
  }

  /** The UTF-8 byte length of string `id`. */
  @inline length(id: i32): i32 {
    return unchecked(this.lengths[id]);
  }

  /** True when `id` names an entry. */
  @inline isValid(id: i32): bool {
    return id >= 0 && id < this.pointers.length;
  }

  /** String `id` as an AssemblyScript string (allocates; for messages and config, not hot paths). */
  text(id: i32): string {
    if (!this.isValid(id)) return '';
    return String.UTF8.decodeUnsafe(this.pointer(id), <usize>this.length(id));
  }

  /** True when string `id` is `value`. */
  equals(id: i32, value: string): bool {
    return this.isValid(id) && id == this.lookup(value);
  }

  /** Adds an input entry pointing into the payload (used while reading the input table). */
  addInput(pointer: usize, length: i32): void {
    this.pointers.push(pointer);
    this.lengths.push(length);
  }

  /** The id of the bytes [pointer, pointer + length), adding an entry pointing at them when new (they must outlive the batch). */
  intern(pointer: usize, length: i32): i32 {
    const found = this.find(pointer, length);
    if (found != NO_STRING) return found;
    return this.append(pointer, length);
  }

  /** The id of `value`, adding it when new. */
  id(value: string): i32 {
    const bytes = String.UTF8.encode(value);
    const found = this.find(changetype<usize>(bytes), bytes.byteLength);
    if (found != NO_STRING) return found;
    this.owned.push(bytes);
    return this.append(changetype<usize>(bytes), bytes.byteLength);
  }

  /** The id of `value` when the table has it, else NO_STRING (nothing is added). */
  lookup(value: string): i32 {
    const bytes = String.UTF8.encode(value);
    return this.find(changetype<usize>(bytes), bytes.byteLength);
  }

  /** The id of the bytes [pointer, pointer + length) when the table has them, else NO_STRING. */
  find(pointer: usize, length: i32): i32 {
    this.index();
    const mask = this.slots.length - 1;
    let slot = <i32>(hash(pointer, length) & <u32>mask);
    while (true) {
      const entry = unchecked(this.slots[slot]);
      if (entry == 0) return NO_STRING;
      const id = entry - 1;
      if (this.length(id) == length && memory.compare(this.pointer(id), pointer, <usize>length) == 0) return id;
      slot = (slot + 1) & mask;
    }
    return NO_STRING;
  }

  /** Entries added after the input table (they must be written after it). */
  get added(): i32 {
    return this.pointers.length - this.inputCount;
  }

  /** Writes the table: the input entries copied as they are, then the added ones. */
  write(writer: Writer): void {
    writer.writeArrayHeader(this.count);
    writer.writeRaw(this.inputStart, <i32>(this.inputEnd - this.inputStart));
    for (let id = this.inputCount; id < this.count; id++) writer.writeStringBytes(this.pointer(id), this.length(id));
  }

  private append(pointer: usize, length: i32): i32 {
    const id = this.pointers.length;
    this.pointers.push(pointer);
    this.lengths.push(length);
    this.index();
    return id;
  }

  // Brings the hash index up to date with every entry, keeping it at most half full.
  private index(): void {
    const count = this.pointers.length;
    if (this.slots.length < 2 * (count + 1)) {
      let size = 16;
      while (size < 2 * (count + 1)) size <<= 1;
      this.slots = new StaticArray<i32>(size);
      this.indexed = 0;
    }
    while (this.indexed < count) {
      this.place(this.indexed);
      this.indexed += 1;
    }
  }

  private place(id: i32): void {
    const mask = this.slots.length - 1;
    const length = this.length(id);
    let slot = <i32>(hash(this.pointer(id), length) & <u32>mask);
    while (unchecked(this.slots[slot]) != 0) {
      const other = unchecked(this.slots[slot]) - 1;
      // A repeated entry (a writer may repeat one) keeps the first id.
      if (this.length(other) == length && memory.compare(this.pointer(other), this.pointer(id), <usize>length) == 0) return;
      slot = (slot + 1) & mask;
    }
    unchecked((this.slots[slot] = id + 1));
  }
}

/** FNV-1a over the bytes. */
function hash(pointer: usize, length: i32): u32 {
  let value: u32 = 2166136261;
  for (let index = 0; index < length; index++) {
    value ^= <u32>load<u8>(pointer + <usize>index);
    value *= 16777619;
  }
  return value;
}
