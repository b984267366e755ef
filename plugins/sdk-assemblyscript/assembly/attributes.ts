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
  private keys: Array<i32> | null = null;
  private values: Array<Value> | null = null;
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
    if (this.keys != null) return (<Array<i32>>this.keys).length;
    if (this.start == 0) return 0;
    const count = scan(this.start, this.end).readMapHeader();
    return count < 0 ? 0 : count;
  }

  /** The key (a string id) of attribute `index`, in order. */
  keyAt(index: i32): i32 {
    this.materialize();
    return unchecked((<Array<i32>>this.keys)[index]);
  }

  /** The value of attribute `index`, in order. */
  valueAt(index: i32): Value {
    this.materialize();
    return unchecked((<Array<Value>>this.values)[index]);
  }

  /** True when `key` is set. */
  has(key: i32): bool {
    if (this.keys != null) return (<Array<i32>>this.keys).indexOf(key) >= 0;
    return this.seek(key) != null;
  }

  /** The value of `key`, or null. */
  get(key: i32): Value | null {
    if (this.keys != null) {
      const index = (<Array<i32>>this.keys).indexOf(key);
      return index < 0 ? null : unchecked((<Array<Value>>this.values)[index]);
    }
    const reader = this.seek(key);
    return reader == null ? null : readValue(reader, this.table);
  }

  /** The string id of `key`'s value when it is a string, else NO_STRING. Allocates nothing. */
  getString(key: i32): i32 {
    if (this.keys != null) {
      const value = this.get(key);
      return value != null && value.kind == ValueKind.String ? value.string : NO_STRING;
    }
    const reader = this.seek(key);
    return reader == null ? NO_STRING : readValueStringId(reader, this.table);
  }

  /** Sets `key` to `value`, replacing any previous value. */
  set(key: i32, value: Value): void {
    this.materialize();
    const keys = <Array<i32>>this.keys;
    const index = keys.indexOf(key);
    if (index >= 0) unchecked(((<Array<Value>>this.values)[index] = value));
    else {
      keys.push(key);
      (<Array<Value>>this.values).push(value);
    }
    this.changed = true;
  }

  /** Sets `key` to the string `value` (a string id). */
  setString(key: i32, value: i32): void {
    this.set(key, Value.string(value));
  }

  /** Removes `key`; returns whether it was set. */
  remove(key: i32): bool {
    if (this.keys == null && this.seek(key) == null) return false;
    this.materialize();
    const keys = <Array<i32>>this.keys;
    const index = keys.indexOf(key);
    if (index < 0) return false;
    keys.splice(index, 1);
    (<Array<Value>>this.values).splice(index, 1);
    this.changed = true;
    return true;
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

  /** Writes the set: the encoded map as it came when unchanged. */
  write(writer: Writer): void {
    if (!this.changed) {
      if (this.start == 0) writer.writeMapHeader(0);
      else writer.writeRaw(this.start, <i32>(this.end - this.start));
      return;
    }
    const keys = <Array<i32>>this.keys;
    const values = <Array<Value>>this.values;
    writer.writeMapHeader(keys.length);
    for (let index = 0; index < keys.length; index++) {
      writer.writeUint(<u64>unchecked(keys[index]));
      unchecked(values[index]).write(writer);
    }
  }

  private seek(key: i32): Reader | null {
    return seekIn(this.table, this.start, this.end, key);
  }

  private materialize(): void {
    if (this.keys != null) return;
    const keys = new Array<i32>();
    const values = new Array<Value>();
    if (this.start != 0) {
      const reader = Reader.range(this.start, this.end);
      const count = reader.readMapHeader();
      for (let index = 0; index < count && !reader.failed; index++) {
        keys.push(readStringId(reader, this.table));
        values.push(readValue(reader, this.table));
      }
    }
    this.keys = keys;
    this.values = values;
  }
}
