// The attributes of a resource, scope, data point or log record. Reads scan the encoded map in
// place (no allocation); the first change turns it into key and value lists, and only a changed
// set is re-encoded: an unchanged one is copied as it is.

import { Reader, Writer } from './msgpack';
import { NO_STRING, StringTable } from './strings';
import { readStringId, readValue, readValueStringId, Value, ValueKind } from './value';

// One reader reused for in-place scans: they never nest and never outlive the call.
const scratch = new Reader(0, 0);

function scan(start: usize, end: usize): Reader {
  scratch.pos = start;
  scratch.end = end;
  scratch.failed = false;
  return scratch;
}

/** A reader positioned at the value of `key` in the encoded map [start, end), or null. */
function seekIn(table: StringTable, start: usize, end: usize, key: i32): Reader | null {
  if (start == 0) return null;
  const reader = scan(start, end);
  const count = reader.readMapHeader();
  for (let index = 0; index < count && !reader.failed; index++) {
    const type = reader.peek();
    if (type <= 0x7f) {
      reader.pos += 1;
      if (<i32>type == key) return reader;
    } else if (readStringId(reader, table) == key) return reader;
    reader.skip();
  }
  return null;
}

/** The string id of `key`'s value in the encoded map [start, end) when it is a string, else NO_STRING. */
export function findString(table: StringTable, start: usize, end: usize, key: i32): i32 {
  const reader = seekIn(table, start, end, key);
  return reader == null ? NO_STRING : readValueStringId(reader, table);
}

/** `key`'s value in the encoded map [start, end), or null. */
export function findValue(table: StringTable, start: usize, end: usize, key: i32): Value | null {
  const reader = seekIn(table, start, end, key);
  return reader == null ? null : readValue(reader, table);
}

export class Attributes {
  // Changes over the encoded map, so untouched entries are never decoded: keys set (with their
  // values) and keys removed. Null until the first change.
  private setKeys: Array<i32> | null = null;
  private setValues: Array<Value> | null = null;
  private removedKeys: Array<i32> | null = null;
  // The merged view, for iteration by index (built on demand, dropped on change).
  private mergedKeys: Array<i32> | null = null;
  private mergedValues: Array<Value> | null = null;
  /** True once a change was made: the set is re-encoded when the batch is written. */
  changed: bool = false;

  /** `start`..`end` is the encoded map in the payload; start 0 means no map (empty, or absent). */
  constructor(
    private table: StringTable,
    private start: usize,
    private end: usize,
  ) {}

  /** An empty set. */
  static empty(table: StringTable): Attributes {
    return new Attributes(table, 0, 0);
  }

  /** The number of attributes. */
  get count(): i32 {
    if (!this.changed) {
      if (this.start == 0) return 0;
      const count = scan(this.start, this.end).readMapHeader();
      return count < 0 ? 0 : count;
    }
    this.merge();
    return (<Array<i32>>this.mergedKeys).length;
  }

  /** The key (a string id) of attribute `index`, in order. */
  keyAt(index: i32): i32 {
    this.merge();
    return unchecked((<Array<i32>>this.mergedKeys)[index]);
  }

  /** The value of attribute `index`, in order. */
  valueAt(index: i32): Value {
    this.merge();
    return unchecked((<Array<Value>>this.mergedValues)[index]);
  }

  /** True when `key` is set. */
  has(key: i32): bool {
    if (this.setKeys != null && (<Array<i32>>this.setKeys).includes(key)) return true;
    if (this.removedKeys != null && (<Array<i32>>this.removedKeys).includes(key)) return false;
    return this.seek(key) != null;
  }

  /** The value of `key`, or null. */
  get(key: i32): Value | null {
    const set = this.setKeys;
    if (set != null) {
      const index = set.indexOf(key);
      if (index >= 0) return unchecked((<Array<Value>>this.setValues)[index]);
    }
    if (this.removedKeys != null && (<Array<i32>>this.removedKeys).includes(key)) return null;
    const reader = this.seek(key);
    return reader == null ? null : readValue(reader, this.table);
  }

  /** The string id of `key`'s value when it is a string, else NO_STRING. Allocates nothing for unchanged entries. */
  getString(key: i32): i32 {
    if (this.changed) {
      const value = this.get(key);
      return value != null && value.kind == ValueKind.String ? value.string : NO_STRING;
    }
    const reader = this.seek(key);
    return reader == null ? NO_STRING : readValueStringId(reader, this.table);
  }

  /** Sets `key` to `value`, replacing any previous value. */
  set(key: i32, value: Value): void {
    let keys = this.setKeys;
    if (keys == null) {
      keys = new Array<i32>();
      this.setKeys = keys;
      this.setValues = new Array<Value>();
    }
    const index = keys.indexOf(key);
    if (index >= 0) unchecked(((<Array<Value>>this.setValues)[index] = value));
    else {
      keys.push(key);
      (<Array<Value>>this.setValues).push(value);
    }
    const removed = this.removedKeys;
    if (removed != null) {
      const at = removed.indexOf(key);
      if (at >= 0) removed.splice(at, 1);
    }
    this.touch();
  }

  /** Sets `key` to the string `value` (a string id). */
  setString(key: i32, value: i32): void {
    this.set(key, Value.string(value));
  }

  /** Removes `key`; returns whether it was set. */
  remove(key: i32): bool {
    let found = false;
    const keys = this.setKeys;
    if (keys != null) {
      const index = keys.indexOf(key);
      if (index >= 0) {
        keys.splice(index, 1);
        (<Array<Value>>this.setValues).splice(index, 1);
        found = true;
      }
    }
    const alreadyRemoved = this.removedKeys != null && (<Array<i32>>this.removedKeys).includes(key);
    if (!alreadyRemoved && this.seek(key) != null) {
      let removed = this.removedKeys;
      if (removed == null) {
        removed = new Array<i32>();
        this.removedKeys = removed;
      }
      removed.push(key);
      found = true;
    }
    if (found) this.touch();
    return found;
  }

  /** Renames `from` to `to` (replacing a value `to` had); returns whether `from` was set. */
  rename(from: i32, to: i32): bool {
    if (from == to) return this.has(from);
    const value = this.get(from);
    if (value == null) return false;
    this.remove(from);
    this.set(to, value);
    return true;
  }

  /** Writes the set: the encoded map as it came when unchanged, else its entries with the changes. */
  write(writer: Writer): void {
    if (!this.changed) {
      if (this.start == 0) writer.writeMapHeader(0);
      else writer.writeRaw(this.start, <i32>(this.end - this.start));
      return;
    }
    const setKeys = this.setKeys;
    const setValues = this.setValues;
    const removed = this.removedKeys;
    const setCount = setKeys == null ? 0 : setKeys.length;
    const written = new StaticArray<bool>(setCount);
    const at = writer.reserveHeader32(0xdf);
    let count = 0;
    if (this.start != 0) {
      const reader = Reader.range(this.start, this.end);
      const entries = reader.readMapHeader();
      for (let index = 0; index < entries && !reader.failed; index++) {
        const entryStart = reader.pos;
        const key = readStringId(reader, this.table);
        reader.skip();
        if (removed != null && removed.includes(key)) continue;
        const replaced = setKeys == null ? -1 : setKeys.indexOf(key);
        if (replaced >= 0) {
          writer.writeUint(<u64>key);
          unchecked((<Array<Value>>setValues)[replaced]).write(writer);
          unchecked((written[replaced] = true));
        } else writer.writeRaw(entryStart, <i32>(reader.pos - entryStart));
        count++;
      }
    }
    for (let index = 0; index < setCount; index++) {
      if (unchecked(written[index])) continue;
      writer.writeUint(<u64>unchecked((<Array<i32>>setKeys)[index]));
      unchecked((<Array<Value>>setValues)[index]).write(writer);
      count++;
    }
    writer.patchHeader32(at, <u32>count);
  }

  private touch(): void {
    this.changed = true;
    this.mergedKeys = null;
    this.mergedValues = null;
  }

  private seek(key: i32): Reader | null {
    return seekIn(this.table, this.start, this.end, key);
  }

  // Every entry in order: the encoded ones (as changed), then the added ones.
  private merge(): void {
    if (this.mergedKeys != null) return;
    const keys = new Array<i32>();
    const values = new Array<Value>();
    const removed = this.removedKeys;
    const setKeys = this.setKeys;
    if (this.start != 0) {
      const reader = Reader.range(this.start, this.end);
      const count = reader.readMapHeader();
      for (let index = 0; index < count && !reader.failed; index++) {
        const key = readStringId(reader, this.table);
        const value = readValue(reader, this.table);
        if (removed != null && removed.includes(key)) continue;
        if (setKeys != null && setKeys.includes(key)) continue;
        keys.push(key);
        values.push(value);
      }
    }
    if (setKeys != null) {
      for (let index = 0; index < setKeys.length; index++) {
        keys.push(unchecked(setKeys[index]));
        values.push(unchecked((<Array<Value>>this.setValues)[index]));
      }
    }
    this.mergedKeys = keys;
    this.mergedValues = values;
  }
}
