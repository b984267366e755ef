// A metric's data points, read column by column where they lie in the payload. Reading a value
// is a load from the column; nothing is decoded until a plugin asks. Changes (kept points,
// attributes, values, a scale) are remembered and applied when the batch is written.

import { Attributes, findString, findValue } from './attributes';
import { ColumnOperations } from './column-ops';
import { dataPointsHasNumbers, DataPointsField, HistogramValueField, SummaryValueField } from './generated/contract';
import { Reader, Writer } from './msgpack';
import { copySpan } from './resource';
import { StringTable } from './strings';
import { NO_STRING } from './strings';
import { Value, ValueKind } from './value';

/** Offsets of the `count` elements of the list at `start` (element i is [offsets[i], offsets[i + 1])). */
function elementOffsets(start: usize, end: usize, count: i32): StaticArray<usize> {
  const offsets = new StaticArray<usize>(count + 1);
  const reader = Reader.range(start, end);
  reader.readArrayHeader();
  for (let index = 0; index < count; index++) {
    unchecked((offsets[index] = reader.pos));
    reader.skip();
  }
  unchecked((offsets[count] = reader.pos));
  return offsets;
}

// The reader of the DataPoints constructor, reused (nothing in it reads another tuple meanwhile).
const columnsReader = new Reader(0, 0);

export class DataPoints {
  /** The number of points. */
  count: i32 = 0;
  /** Points left after `keep(index, false)` calls. */
  keptCount: i32 = 0;
  /** True once a value or an attribute changed (a scale, setNumber, an attribute edit). */
  changed: bool = false;
  failed: bool = false;

  private fields: i32 = 0;
  private end: usize;
  private attributesStart: usize = 0;
  private attributeOffsets: StaticArray<usize> | null = null;
  private attributeSets: Array<Attributes | null> | null = null;
  private startTimes: usize = 0;
  private times: usize = 0;
  private flagCells: usize = 0;
  private exemplarsStart: usize = 0;
  private integers: usize = 0;
  private numbers: usize = 0;
  private histogramsStart: usize = 0;
  private exponentialStart: usize = 0;
  private summariesStart: usize = 0;
  private ownedNumbers: StaticArray<f64> | null = null;
  private valueScale: f64 = 1;
  private ownedIntegers: StaticArray<u8> | null = null;
  private keepBits: StaticArray<u8> | null = null;
  private columnOperations: ColumnOperations | null = null;

  /** Reads the DataPoints tuple in [start, end) of a metric of type `metricType`. */
  constructor(
    private table: StringTable,
    start: usize,
    end: usize,
    public metricType: u8,
  ) {
    this.end = end;
    const reader = columnsReader.reset(start, end);
    const fields = reader.readArrayHeader();
    this.fields = fields;
    const count = <i32>reader.readUint();
    this.count = count;
    this.keptCount = count;
    this.attributesStart = reader.pos;
    // One pass over the attribute column records where each point's map starts (writing and
    // reading attributes need that) and finds the columns after it.
    if (reader.readArrayHeader() != count || count < 0 || <usize>count > end - start) reader.failed = true;
    else {
      const offsets = new StaticArray<usize>(count + 1);
      for (let index = 0; index < count && !reader.failed; index++) {
        unchecked((offsets[index] = reader.pos));
        reader.skip();
      }
      unchecked((offsets[count] = reader.pos));
      this.attributeOffsets = offsets;
    }
    this.startTimes = this.packed(reader, count * 8);
    this.times = this.packed(reader, count * 8);
    if (fields > DataPointsField.flags) this.flagCells = this.packed(reader, count * 4);
    if (fields > DataPointsField.exemplars) this.exemplarsStart = this.list(reader);
    if (fields > DataPointsField.integers) this.integers = this.packed(reader, (count + 7) >> 3);
    if (fields > DataPointsField.numbers) this.numbers = this.packed(reader, count * 8);
    if (fields > DataPointsField.histograms) this.histogramsStart = this.list(reader);
    if (fields > DataPointsField.exponentialHistograms) this.exponentialStart = this.list(reader);
    if (fields > DataPointsField.summaries) this.summariesStart = this.list(reader);
    if (this.times == 0 || (dataPointsHasNumbers(metricType) && this.numbers == 0 && count > 0)) reader.failed = true;
    this.failed = reader.failed;
    if (this.failed) {
      // A malformed column is never read: the points look empty and the batch fails (see MetricsBatch).
      this.count = 0;
      this.keptCount = 0;
      this.attributeOffsets = new StaticArray<usize>(1);
    }
  }

  /** Point `index`'s time, unix nanoseconds. */
  time(index: i32): u64 {
    return load<u64>(this.times + (<usize>index << 3));
  }

  /** Point `index`'s start time, unix nanoseconds; 0 when absent. */
  startTime(index: i32): u64 {
    return this.startTimes == 0 ? 0 : load<u64>(this.startTimes + (<usize>index << 3));
  }

  /** Point `index`'s OTLP flags. */
  flags(index: i32): u32 {
    return this.flagCells == 0 ? 0 : load<u32>(this.flagCells + (<usize>index << 2));
  }

  /** True when point `index` of a gauge or sum is an integer. */
  isInteger(index: i32): bool {
    const owned = this.ownedIntegers;
    if (owned != null) return (unchecked(owned[index >> 3]) & (<u8>1 << (<u8>index & 7))) != 0;
    return this.integers != 0 && (load<u8>(this.integers + (<usize>index >> 3)) & (<u8>1 << (<u8>index & 7))) != 0;
  }

  /** The value of point `index` of a gauge or sum. */
  number(index: i32): f64 {
    const owned = this.ownedNumbers;
    if (owned != null) return unchecked(owned[index]);
    return this.numbers == 0 ? 0 : load<f64>(this.numbers + (<usize>index << 3));
  }

  /** Changes the value of point `index` of a gauge or sum. */
  setNumber(index: i32, value: f64): void {
    unchecked((this.ownNumbers()[index] = value));
    this.changed = true;
  }

  /**
   * Multiplies every value by `factor` (a unit conversion): gauge and sum values; histogram sums,
   * bounds, min and max; summary sums and quantile values. Exponential histograms cannot be
   * scaled exactly: for them it returns false and changes nothing.
   */
  scale(factor: f64): bool {
    if (this.numbers != 0) {
      const owned = this.ownNumbers();
      for (let index = 0; index < owned.length; index++) unchecked((owned[index] = owned[index] * factor));
      if (this.integers != 0) {
        // An integer stays one only when its scaled value is whole (1048576 By is 1 MiBy; 250 ms is 0.25 s).
        const bits = new StaticArray<u8>((this.count + 7) >> 3);
        for (let index = 0; index < this.count; index++) {
          const value = unchecked(owned[index]);
          if (this.isInteger(index) && value == Math.floor(value)) {
            unchecked((bits[index >> 3] = bits[index >> 3] | (<u8>1 << (<u8>index & 7))));
          }
        }
        this.ownedIntegers = bits;
      }
    } else if (this.histogramsStart != 0 || this.summariesStart != 0) {
      this.valueScale *= factor;
    } else if (this.exponentialStart != 0) {
      return false;
    }
    this.changed = true;
    return true;
  }

  /** The attributes of point `index` (created on first use, then kept). */
  attributes(index: i32): Attributes {
    let sets = this.attributeSets;
    if (sets == null) {
      sets = new Array<Attributes | null>(this.count);
      this.attributeSets = sets;
    }
    const existing = unchecked(sets[index]);
    if (existing != null) return existing;
    const offsets = this.offsets();
    const created = new Attributes(this.table, unchecked(offsets[index]), unchecked(offsets[index + 1]));
    unchecked((sets[index] = created));
    const operations = this.columnOperations;
    if (operations != null) operations.replay(index, created);
    return created;
  }

  /** Renames attribute `from` to `to` on every point (replacing a value `to` had); no object per point. */
  renameAttribute(from: i32, to: i32): void {
    if (from < 0 || to < 0 || from == to) return;
    this.operations().rename(from, to);
    const sets = this.attributeSets;
    if (sets == null) return;
    for (let index = 0; index < sets.length; index++) {
      const set = unchecked(sets[index]);
      if (set != null) set.rename(from, to);
    }
  }

  /** Sets attribute `key` on every point (`overwrite` false: only where it is missing); no object per point. */
  setAttribute(key: i32, value: Value, overwrite: bool = true): void {
    if (key < 0) return;
    this.operations().setAll(key, value, overwrite);
    const sets = this.attributeSets;
    if (sets == null) return;
    for (let index = 0; index < sets.length; index++) {
      const set = unchecked(sets[index]);
      if (set != null && (overwrite || !set.has(key))) set.set(key, value);
    }
  }

  /** Sets attribute `key` on point `index` (`overwrite` false: only when it is missing); no object per point. */
  setAttributeAt(index: i32, key: i32, value: Value, overwrite: bool = true): void {
    if (key < 0) return;
    const sets = this.attributeSets;
    let existing: Attributes | null = null;
    if (sets != null) existing = unchecked(sets[index]);
    if (existing != null) {
      if (overwrite || !existing.has(key)) existing.set(key, value);
      return;
    }
    this.operations().setAt(index, this.count, key, value, overwrite);
  }

  private operations(): ColumnOperations {
    let operations = this.columnOperations;
    if (operations == null) {
      operations = new ColumnOperations();
      this.columnOperations = operations;
    }
    return operations;
  }

  /** The string id of attribute `key` of point `index` when it is a string, else NO_STRING. */
  stringAttribute(index: i32, key: i32): i32 {
    const sets = this.attributeSets;
    if (sets != null) {
      const existing = unchecked(sets[index]);
      if (existing != null) return existing.getString(key);
    }
    const offsets = this.offsets();
    const operations = this.columnOperations;
    if (operations != null) {
      operations.apply(this.table, unchecked(offsets[index]), unchecked(offsets[index + 1]), index);
      const value = ColumnOperations.valueOf(this.table, key);
      return value != null && value.kind == ValueKind.String ? value.string : NO_STRING;
    }
    return findString(this.table, unchecked(offsets[index]), unchecked(offsets[index + 1]), key);
  }

  /** The value of attribute `key` of point `index`, or null. */
  attribute(index: i32, key: i32): Value | null {
    const sets = this.attributeSets;
    if (sets != null) {
      const existing = unchecked(sets[index]);
      if (existing != null) return existing.get(key);
    }
    const offsets = this.offsets();
    const operations = this.columnOperations;
    if (operations != null) {
      operations.apply(this.table, unchecked(offsets[index]), unchecked(offsets[index + 1]), index);
      return ColumnOperations.valueOf(this.table, key);
    }
    return findValue(this.table, unchecked(offsets[index]), unchecked(offsets[index + 1]), key);
  }

  /** Keeps or drops point `index`. */
  keep(index: i32, keep: bool): void {
    let bits = this.keepBits;
    if (bits == null) {
      if (keep) return;
      bits = new StaticArray<u8>((this.count + 7) >> 3);
      for (let byte = 0; byte < bits.length; byte++) unchecked((bits[byte] = 0xff));
      this.keepBits = bits;
    }
    const mask = <u8>1 << (<u8>index & 7);
    const was = (unchecked(bits[index >> 3]) & mask) != 0;
    if (was == keep) return;
    unchecked((bits[index >> 3] = keep ? bits[index >> 3] | mask : bits[index >> 3] & ~mask));
    this.keptCount += keep ? 1 : -1;
  }

  /** True when point `index` is kept. */
  isKept(index: i32): bool {
    const bits = this.keepBits;
    return bits == null || (unchecked(bits[index >> 3]) & (<u8>1 << (<u8>index & 7))) != 0;
  }

  /** True when writing must change the points' bytes. */
  get needsRewrite(): bool {
    return this.keptCount < this.count || this.edited;
  }

  /** True when a value or an attribute changed (dropped points aside). */
  get edited(): bool {
    if (this.changed) return true;
    const operations = this.columnOperations;
    if (operations != null && !operations.isEmpty) return true;
    const sets = this.attributeSets;
    if (sets == null) return false;
    for (let index = 0; index < sets.length; index++) {
      const set = unchecked(sets[index]);
      if (set != null && set.changed) return true;
    }
    return false;
  }

  /** Writes the DataPoints tuple with the kept points and every change. */
  write(writer: Writer): void {
    const kept = this.keptCount;
    const fields = this.fields > DataPointsField.COUNT ? DataPointsField.COUNT : this.fields;
    writer.writeArrayHeader(fields);
    writer.writeUint(<u64>kept);
    writer.writeArrayHeader(kept);
    const offsets = this.offsets();
    const sets = this.attributeSets;
    const operations = this.columnOperations;
    for (let index = 0; index < this.count; index++) {
      if (!this.isKept(index)) continue;
      let set: Attributes | null = null;
      if (sets != null) set = unchecked(sets[index]);
      if (set != null) set.write(writer);
      else if (operations != null) {
        operations.apply(this.table, unchecked(offsets[index]), unchecked(offsets[index + 1]), index);
        ColumnOperations.write(writer);
      } else copySpan(writer, unchecked(offsets[index]), unchecked(offsets[index + 1]));
    }
    this.writeCells(writer, this.startTimes, 8);
    this.writeCells(writer, this.times, 8);
    if (fields > DataPointsField.flags) this.writeCells(writer, this.flagCells, 4);
    if (fields > DataPointsField.exemplars) this.writeElements(writer, this.exemplarsStart, 0);
    if (fields > DataPointsField.integers) this.writeIntegers(writer);
    if (fields > DataPointsField.numbers) this.writeNumbers(writer);
    if (fields > DataPointsField.histograms) this.writeElements(writer, this.histogramsStart, 1);
    if (fields > DataPointsField.exponentialHistograms) this.writeElements(writer, this.exponentialStart, 0);
    if (fields > DataPointsField.summaries) this.writeElements(writer, this.summariesStart, 2);
  }

  private offsets(): StaticArray<usize> {
    let offsets = this.attributeOffsets;
    if (offsets == null) {
      offsets = elementOffsets(this.attributesStart, this.end, this.count);
      this.attributeOffsets = offsets;
    }
    return offsets;
  }

  private ownNumbers(): StaticArray<f64> {
    let owned = this.ownedNumbers;
    if (owned == null) {
      owned = new StaticArray<f64>(this.count);
      for (let index = 0; index < this.count; index++) {
        unchecked((owned[index] = this.numbers == 0 ? 0 : load<f64>(this.numbers + (<usize>index << 3))));
      }
      this.ownedNumbers = owned;
    }
    return owned;
  }

  // A packed column's address (0 for nil), checking its length.
  private packed(reader: Reader, length: i32): usize {
    if (reader.readNil()) return 0;
    const actual = reader.readBinHeader();
    if (actual != length) {
      reader.failed = true;
      return 0;
    }
    return reader.dataPtr;
  }

  // A list column's address (0 for nil).
  private list(reader: Reader): usize {
    if (reader.readNil()) return 0;
    const start = reader.pos;
    if (reader.readArrayHeader() != this.count) reader.failed = true;
    reader.pos = start;
    reader.skip();
    return start;
  }

  private writeCells(writer: Writer, cells: usize, width: i32): void {
    if (cells == 0) {
      writer.writeNil();
      return;
    }
    writer.writeBinHeader(this.keptCount * width);
    if (this.keptCount == this.count) {
      writer.writeRaw(cells, this.count * width);
      return;
    }
    for (let index = 0; index < this.count; index++) {
      if (this.isKept(index)) writer.writeRaw(cells + <usize>(index * width), width);
    }
  }

  private writeIntegers(writer: Writer): void {
    let any = false;
    for (let index = 0; index < this.count && !any; index++) any = this.isKept(index) && this.isInteger(index);
    if (!any) {
      writer.writeNil();
      return;
    }
    const size = (this.keptCount + 7) >> 3;
    writer.writeBinHeader(size);
    const target = writer.claim(size);
    memory.fill(target, 0, <usize>size);
    let out = 0;
    for (let index = 0; index < this.count; index++) {
      if (!this.isKept(index)) continue;
      if (this.isInteger(index)) store<u8>(target + <usize>(out >> 3), load<u8>(target + <usize>(out >> 3)) | (<u8>1 << (<u8>out & 7)));
      out++;
    }
  }

  private writeNumbers(writer: Writer): void {
    const owned = this.ownedNumbers;
    if (owned == null) {
      this.writeCells(writer, this.numbers, 8);
      return;
    }
    writer.writeBinHeader(this.keptCount * 8);
    const target = writer.claim(this.keptCount * 8);
    let out: usize = 0;
    for (let index = 0; index < this.count; index++) {
      if (!this.isKept(index)) continue;
      store<f64>(target + (out << 3), unchecked(owned[index]));
      out++;
    }
  }

  // kind 1: histogram values, 2: summary values (both scaled when a scale is pending); 0: copied.
  private writeElements(writer: Writer, start: usize, kind: i32): void {
    if (start == 0) {
      writer.writeNil();
      return;
    }
    const offsets = elementOffsets(start, this.end, this.count);
    writer.writeArrayHeader(this.keptCount);
    for (let index = 0; index < this.count; index++) {
      if (!this.isKept(index)) continue;
      const from = unchecked(offsets[index]);
      const to = unchecked(offsets[index + 1]);
      if (kind == 0 || this.valueScale == 1) copySpan(writer, from, to);
      else if (kind == 1) scaleHistogram(writer, from, to, this.valueScale);
      else scaleSummary(writer, from, to, this.valueScale);
    }
  }
}

function copyValue(writer: Writer, reader: Reader): void {
  const start = reader.pos;
  reader.skip();
  copySpan(writer, start, reader.pos);
}

function scaleOptional(writer: Writer, reader: Reader, factor: f64): void {
  if (reader.readNil()) writer.writeNil();
  else writer.writeFloat64(reader.readFloat() * factor);
}

function scaleHistogram(writer: Writer, start: usize, end: usize, factor: f64): void {
  const reader = Reader.range(start, end);
  const fields = reader.readArrayHeader();
  writer.writeArrayHeader(fields);
  for (let field = 0; field < fields; field++) {
    if (field == HistogramValueField.sum || field == HistogramValueField.min || field == HistogramValueField.max) {
      scaleOptional(writer, reader, factor);
    } else if (field == HistogramValueField.explicitBounds) {
      const length = reader.readBinHeader();
      writer.writeBinHeader(length);
      const target = writer.claim(length);
      for (let at = 0; at + 8 <= length; at += 8) {
        store<f64>(target + <usize>at, load<f64>(reader.dataPtr + <usize>at) * factor);
      }
    } else copyValue(writer, reader);
  }
}

function scaleSummary(writer: Writer, start: usize, end: usize, factor: f64): void {
  const reader = Reader.range(start, end);
  const fields = reader.readArrayHeader();
  writer.writeArrayHeader(fields);
  for (let field = 0; field < fields; field++) {
    if (field == SummaryValueField.sum) writer.writeFloat64(reader.readFloat() * factor);
    else if (field == SummaryValueField.quantileValues) {
      const count = reader.readArrayHeader();
      writer.writeArrayHeader(count);
      for (let index = 0; index < count; index++) {
        const pair = reader.readArrayHeader();
        writer.writeArrayHeader(pair);
        for (let item = 0; item < pair; item++) {
          if (item == 1) writer.writeFloat64(reader.readFloat() * factor);
          else copyValue(writer, reader);
        }
      }
    } else copyValue(writer, reader);
  }
}
