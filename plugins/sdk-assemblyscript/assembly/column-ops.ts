// Attribute changes made to every data point of a metric at once (rename a key, set a key on
// all points or on one), kept as a list of operations and applied to each point's encoded map
// while the points are written: no object per point, no decode of the entries nobody touches.

import { Attributes } from './attributes';
import { Reader, Writer } from './msgpack';
import { StringTable } from './strings';
import { readStringId, readValue, Value } from './value';

const RENAME: u8 = 0;
const SET: u8 = 1;

/** One operation over the attribute column. */
class Operation {
  kind: u8 = SET;
  key: i32 = 0;
  /** Rename: the new key. */
  to: i32 = 0;
  overwrite: bool = true;
  /** Set on every point: the value. */
  shared: Value | null = null;
  /** Set on some points: the value per point (null: not this point). */
  perPoint: Array<Value | null> | null = null;

  valueFor(point: i32): Value | null {
    const perPoint = this.perPoint;
    return perPoint == null ? this.shared : unchecked(perPoint[point]);
  }
}

// One point's entries while the operations are applied: key, and either the encoded entry value
// (start..end in the payload) or a Value. Reused for every point (nothing is allocated per point):
// plain static arrays and a count, grown when a map has more entries than ever before.
let capacity: i32 = 16;
let entries: i32 = 0;
let keys = new StaticArray<i32>(16);
let valueStarts = new StaticArray<usize>(16);
let valueEnds = new StaticArray<usize>(16);
let values = new StaticArray<Value | null>(16);
const scratch = new Reader(0, 0);

function grow(): void {
  const larger = capacity * 2;
  const moreKeys = new StaticArray<i32>(larger);
  const moreStarts = new StaticArray<usize>(larger);
  const moreEnds = new StaticArray<usize>(larger);
  const moreValues = new StaticArray<Value | null>(larger);
  for (let index = 0; index < entries; index++) {
    unchecked((moreKeys[index] = keys[index]));
    unchecked((moreStarts[index] = valueStarts[index]));
    unchecked((moreEnds[index] = valueEnds[index]));
    unchecked((moreValues[index] = values[index]));
  }
  keys = moreKeys;
  valueStarts = moreStarts;
  valueEnds = moreEnds;
  values = moreValues;
  capacity = larger;
}

function push(key: i32, start: usize, end: usize, value: Value | null): void {
  if (entries == capacity) grow();
  unchecked((keys[entries] = key));
  unchecked((valueStarts[entries] = start));
  unchecked((valueEnds[entries] = end));
  unchecked((values[entries] = value));
  entries++;
}

function indexOf(key: i32): i32 {
  for (let index = 0; index < entries; index++) if (unchecked(keys[index]) == key) return index;
  return -1;
}

function removeAt(index: i32): void {
  const last = entries - 1;
  for (let at = index; at < last; at++) {
    unchecked((keys[at] = keys[at + 1]));
    unchecked((valueStarts[at] = valueStarts[at + 1]));
    unchecked((valueEnds[at] = valueEnds[at + 1]));
    unchecked((values[at] = values[at + 1]));
  }
  unchecked((values[last] = null));
  entries = last;
}

/** The operations of one metric's attribute column, in the order they were made. */
export class ColumnOperations {
  private operations: Array<Operation> = new Array<Operation>();

  get isEmpty(): bool {
    return this.operations.length == 0;
  }

  rename(from: i32, to: i32): void {
    const operation = new Operation();
    operation.kind = RENAME;
    operation.key = from;
    operation.to = to;
    this.operations.push(operation);
  }

  setAll(key: i32, value: Value, overwrite: bool): void {
    const operation = new Operation();
    operation.key = key;
    operation.shared = value;
    operation.overwrite = overwrite;
    this.operations.push(operation);
  }

  /** Sets `key` on point `point` of `count`; consecutive calls for one key share one operation. */
  setAt(point: i32, count: i32, key: i32, value: Value, overwrite: bool): void {
    const last = this.operations.length > 0 ? unchecked(this.operations[this.operations.length - 1]) : null;
    let operation: Operation;
    if (last != null && last.kind == SET && last.perPoint != null && last.key == key && last.overwrite == overwrite) {
      operation = last;
    } else {
      operation = new Operation();
      operation.key = key;
      operation.overwrite = overwrite;
      operation.perPoint = new Array<Value | null>(count);
      this.operations.push(operation);
    }
    unchecked(((<Array<Value | null>>operation.perPoint)[point] = value));
  }

  /** Loads point `point`'s encoded map [start, end) and applies every operation to it (into the shared entry list). */
  apply(table: StringTable, start: usize, end: usize, point: i32): void {
    for (let index = 0; index < entries; index++) unchecked((values[index] = null));
    entries = 0;
    if (start != 0) {
      const reader = scratch;
      reader.pos = start;
      reader.end = end;
      reader.failed = false;
      const count = reader.readMapHeader();
      for (let index = 0; index < count && !reader.failed; index++) {
        const key = readStringId(reader, table);
        const valueStart = reader.pos;
        reader.skip();
        push(key, valueStart, reader.pos, null);
      }
    }
    for (let index = 0; index < this.operations.length; index++) {
      const operation = unchecked(this.operations[index]);
      const at = indexOf(operation.key);
      if (operation.kind == RENAME) {
        if (at < 0) continue;
        const existing = indexOf(operation.to);
        if (existing >= 0 && existing != at) {
          removeAt(existing);
          unchecked((keys[existing < at ? at - 1 : at] = operation.to));
        } else unchecked((keys[at] = operation.to));
        continue;
      }
      const value = operation.valueFor(point);
      if (value == null) continue;
      if (at < 0) push(operation.key, 0, 0, value);
      else if (operation.overwrite) unchecked((values[at] = value));
    }
  }

  /** After `apply`: the value of `key`, or null. */
  static valueOf(table: StringTable, key: i32): Value | null {
    const at = indexOf(key);
    if (at < 0) return null;
    const value = unchecked(values[at]);
    if (value != null) return value;
    return readValue(Reader.range(unchecked(valueStarts[at]), unchecked(valueEnds[at])), table);
  }

  /** After `apply`: writes the entries as a map. */
  static write(writer: Writer): void {
    writer.writeMapHeader(entries);
    for (let index = 0; index < entries; index++) {
      writer.writeUint(<u64>unchecked(keys[index]));
      const value = unchecked(values[index]);
      if (value != null) value.write(writer);
      else writer.writeRaw(unchecked(valueStarts[index]), <i32>(unchecked(valueEnds[index]) - unchecked(valueStarts[index])));
    }
  }

  /** Replays the operations for point `point` on its Attributes (when the point's object is created). */
  replay(point: i32, target: Attributes): void {
    for (let index = 0; index < this.operations.length; index++) {
      const operation = unchecked(this.operations[index]);
      if (operation.kind == RENAME) {
        target.rename(operation.key, operation.to);
        continue;
      }
      const value = operation.valueFor(point);
      if (value == null) continue;
      if (operation.overwrite || !target.has(operation.key)) target.set(operation.key, value);
    }
  }
}

