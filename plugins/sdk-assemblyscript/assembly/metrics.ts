// A metrics batch as a plugin sees it: resources, scopes and metrics read in place from the
// payload, with a flat list of every metric. Plugins read names and values, drop metrics or
// points, and change things; the SDK then answers a selection when only drops happened, or writes
// the batch back, copying whatever did not change as it came.

import { Attributes } from './attributes';
import { DataPointsField, MetricField, MetricsBatchField } from './generated/contract';
import { Reader, Writer } from './msgpack';
import { DataPoints } from './points';
import { copySpan, Resource, Scope } from './resource';
import { NO_STRING, StringTable } from './strings';
import { readOptionalStringId, readStringId } from './value';

/** Reads the batch's string table into `table`. */
export function readStringTable(reader: Reader, table: StringTable): void {
  const count = reader.readArrayHeader();
  table.inputStart = reader.pos;
  for (let index = 0; index < count && !reader.failed; index++) {
    const length = reader.readStrHeader();
    if (length >= 0) table.addInput(reader.dataPtr, length);
  }
  table.inputEnd = reader.pos;
  table.inputCount = table.count;
}

// Reads the head of each metric's points tuple, reused for every metric.
const pointsHeaderReader = new Reader(0, 0);

/** One metric. */
export class Metric {
  /** The metric's name (a string id). */
  name: i32 = NO_STRING;
  /** Its description and unit (string ids), or NO_STRING. */
  description: i32 = NO_STRING;
  unit: i32 = NO_STRING;
  /** MetricType code (see generated/contract: MetricType). */
  type: u8 = 0;
  /** Temporality code. */
  temporality: u8 = 0;
  monotonic: bool = false;
  /** The number of data points. */
  pointCount: i32 = 0;
  /** The index of its first point among all points of the batch. */
  firstPoint: i32 = 0;
  /** False once dropped. */
  kept: bool = true;
  /** True once the name, description, unit, type or temporality changed. */
  headerChanged: bool = false;

  private start: usize;
  private end: usize;
  private fields: i32;
  private pointsHeader: usize = 0;
  private pointsStart: usize = 0;
  private pointsEnd: usize = 0;
  private metadataStart: usize = 0;
  private restStart: usize = 0;
  private data: DataPoints | null = null;

  constructor(
    reader: Reader,
    private table: StringTable,
    firstPoint: i32,
    /** The resource and scope the metric belongs to. */
    public resource: Resource,
    public scope: Scope,
  ) {
    this.firstPoint = firstPoint;
    this.start = reader.pos;
    const fields = reader.readArrayHeader();
    this.fields = fields;
    if (fields <= MetricField.points) reader.failed = true;
    this.name = readStringId(reader, table);
    this.description = readOptionalStringId(reader, table);
    this.unit = readOptionalStringId(reader, table);
    this.type = <u8>reader.readUint();
    this.temporality = <u8>reader.readUint();
    this.monotonic = reader.readBool();
    this.pointsHeader = reader.pos;
    const length = reader.readBinHeader();
    this.pointsStart = reader.dataPtr;
    this.pointsEnd = reader.dataPtr + <usize>(length < 0 ? 0 : length);
    if (!reader.failed) {
      const inner = pointsHeaderReader.reset(this.pointsStart, this.pointsEnd);
      if (inner.readArrayHeader() <= DataPointsField.times) reader.failed = true;
      this.pointCount = <i32>inner.readUint();
      if (inner.failed) reader.failed = true;
    }
    this.metadataStart = reader.pos;
    if (fields > MetricField.metadata) reader.skip();
    this.restStart = reader.pos;
    reader.skipMany(fields - MetricField.metadata - 1);
    this.end = reader.pos;
  }

  /** The data points, read on first use. */
  get points(): DataPoints {
    let data = this.data;
    if (data == null) {
      data = new DataPoints(this.table, this.pointsStart, this.pointsEnd, this.type);
      this.data = data;
    }
    return data;
  }

  /** True when the points were read and are not in the contract layout. */
  get pointsFailed(): bool {
    const data = this.data;
    return data != null && data.failed;
  }

  /** The metric's metadata (read-only here; nil reads as empty). */
  get metadata(): Attributes {
    if (this.fields <= MetricField.metadata) return Attributes.empty(this.table);
    const reader = Reader.range(this.metadataStart, this.restStart);
    if (reader.readNil()) return Attributes.empty(this.table);
    return new Attributes(this.table, this.metadataStart, this.restStart);
  }

  /** Renames the metric (`name` is a string id). */
  setName(name: i32): void {
    if (name == this.name) return;
    this.name = name;
    this.headerChanged = true;
  }

  /** Sets the unit (a string id, or NO_STRING to remove it). */
  setUnit(unit: i32): void {
    if (unit == this.unit) return;
    this.unit = unit;
    this.headerChanged = true;
  }

  /** Sets the description (a string id, or NO_STRING to remove it). */
  setDescription(description: i32): void {
    if (description == this.description) return;
    this.description = description;
    this.headerChanged = true;
  }

  /** Points kept (all of them unless some were dropped). */
  get keptPoints(): i32 {
    const data = this.data;
    return data == null ? this.pointCount : data.keptCount;
  }

  /** True when the written batch leaves this metric out. */
  get removed(): bool {
    return !this.kept || (this.pointCount > 0 && this.keptPoints == 0);
  }

  /** True when something other than a selection changed (so a selection cannot answer for it). */
  get changed(): bool {
    const data = this.data;
    return this.headerChanged || (data != null && data.edited);
  }

  /** True when its point selection is not everything. */
  get dropsPoints(): bool {
    const data = this.data;
    return data != null && data.keptCount < data.count;
  }

  write(writer: Writer): void {
    if (!this.changed && !this.dropsPoints) {
      copySpan(writer, this.start, this.end);
      return;
    }
    writer.writeArrayHeader(this.fields);
    writer.writeUint(<u64>this.name);
    writeOptionalId(writer, this.description);
    writeOptionalId(writer, this.unit);
    writer.writeUint(<u64>this.type);
    writer.writeUint(<u64>this.temporality);
    writer.writeBool(this.monotonic);
    const data = this.data;
    if (data != null && data.needsRewrite) {
      const at = writer.reserveHeader32(0xc6);
      data.write(writer);
      writer.patchBin32(at);
    } else copySpan(writer, this.pointsHeader, this.pointsEnd);
    copySpan(writer, this.metadataStart, this.end);
  }
}

function writeOptionalId(writer: Writer, id: i32): void {
  if (id == NO_STRING) writer.writeNil();
  else writer.writeUint(<u64>id);
}

/** The metrics of one scope. */
export class ScopeMetrics {
  scope: Scope;
  metrics: Array<Metric> = new Array<Metric>();
  private fields: i32;
  private restStart: usize;
  private end: usize;

  constructor(reader: Reader, table: StringTable, batch: MetricsBatch, resource: Resource) {
    this.fields = reader.readArrayHeader();
    if (this.fields < 2) reader.failed = true;
    this.scope = new Scope(reader, table);
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      const metric = new Metric(reader, table, batch.pointCount, resource, this.scope);
      batch.pointCount += metric.pointCount;
      this.metrics.push(metric);
      batch.metrics.push(metric);
    }
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 2);
    this.end = reader.pos;
  }

  /** Writes the scope with its remaining metrics; returns false (writing nothing) when none remain. */
  write(writer: Writer): bool {
    const start = writer.position;
    writer.writeArrayHeader(this.fields);
    this.scope.write(writer);
    const at = writer.reserveHeader32(0xdd);
    let written = 0;
    for (let index = 0; index < this.metrics.length; index++) {
      const metric = unchecked(this.metrics[index]);
      if (metric.removed) continue;
      metric.write(writer);
      written++;
    }
    if (written == 0) {
      writer.position = start;
      return false;
    }
    writer.patchHeader32(at, <u32>written);
    copySpan(writer, this.restStart, this.end);
    return true;
  }
}

/** The metrics of one resource. */
export class ResourceMetrics {
  resource: Resource;
  scopes: Array<ScopeMetrics> = new Array<ScopeMetrics>();
  private fields: i32;
  private restStart: usize;
  private end: usize;

  constructor(reader: Reader, table: StringTable, batch: MetricsBatch) {
    this.fields = reader.readArrayHeader();
    if (this.fields < 2) reader.failed = true;
    this.resource = new Resource(reader, table);
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      this.scopes.push(new ScopeMetrics(reader, table, batch, this.resource));
    }
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 2);
    this.end = reader.pos;
  }

  /** Writes the resource with its remaining scopes; returns false (writing nothing) when none remain. */
  write(writer: Writer): bool {
    const start = writer.position;
    writer.writeArrayHeader(this.fields);
    this.resource.write(writer);
    const at = writer.reserveHeader32(0xdd);
    let written = 0;
    for (let index = 0; index < this.scopes.length; index++) {
      if (unchecked(this.scopes[index]).write(writer)) written++;
    }
    if (written == 0) {
      writer.position = start;
      return false;
    }
    writer.patchHeader32(at, <u32>written);
    copySpan(writer, this.restStart, this.end);
    return true;
  }
}

/** A metrics batch. */
export class MetricsBatch {
  /** The batch's strings: every name, key and string value is an id into it. */
  strings: StringTable = new StringTable();
  resources: Array<ResourceMetrics> = new Array<ResourceMetrics>();
  /** Every metric, in order, across resources and scopes. */
  metrics: Array<Metric> = new Array<Metric>();
  /** The number of data points in the batch as it came. */
  pointCount: i32 = 0;
  /** True when the payload is not a metrics batch in the contract's layout. */
  failed: bool = false;

  private fields: i32 = 0;
  private restStart: usize = 0;
  private end: usize = 0;

  /** Reads a batch from a process_metrics payload (which must stay alive while the batch is used). */
  constructor(private payload: ArrayBuffer) {
    const reader = Reader.over(payload);
    this.fields = reader.readArrayHeader();
    if (this.fields <= MetricsBatchField.resourceMetrics) reader.failed = true;
    readStringTable(reader, this.strings);
    const count = reader.readArrayHeader();
    for (let index = 0; index < count && !reader.failed; index++) {
      this.resources.push(new ResourceMetrics(reader, this.strings, this));
    }
    this.restStart = reader.pos;
    reader.skipMany(this.fields - 2);
    this.end = reader.pos;
    if (!reader.failed && reader.pos != reader.end) reader.failed = true;
    // A metric's points are read (and checked) when the plugin first asks for them: a plugin that
    // only looks at names never walks the columns. A malformed column reads as no points and fails
    // the batch afterwards (see `pointsFailed`).
    this.failed = reader.failed;
  }

  /** True when some metric's points, read while the plugin ran, were not in the contract layout. */
  get pointsFailed(): bool {
    for (let index = 0; index < this.metrics.length; index++) {
      if (unchecked(this.metrics[index]).pointsFailed) return true;
    }
    return false;
  }

  /** True when writing the batch would change bytes beyond leaving items out. */
  get changed(): bool {
    for (let index = 0; index < this.resources.length; index++) {
      const resource = unchecked(this.resources[index]);
      if (resource.resource.changed) return true;
      for (let scope = 0; scope < resource.scopes.length; scope++) {
        if (unchecked(resource.scopes[scope]).scope.changed) return true;
      }
    }
    for (let index = 0; index < this.metrics.length; index++) {
      const metric = unchecked(this.metrics[index]);
      if (!metric.removed && metric.changed) return true;
    }
    return false;
  }

  /** True when some metric or point was dropped. */
  get drops(): bool {
    for (let index = 0; index < this.metrics.length; index++) {
      const metric = unchecked(this.metrics[index]);
      if (!metric.kept || metric.dropsPoints) return true;
    }
    return false;
  }

  /** Writes the whole batch (a replacement), leaving dropped items out. */
  write(writer: Writer): void {
    writer.writeArrayHeader(this.fields);
    this.strings.write(writer);
    const at = writer.reserveHeader32(0xdd);
    let written = 0;
    for (let index = 0; index < this.resources.length; index++) {
      if (unchecked(this.resources[index]).write(writer)) written++;
    }
    writer.patchHeader32(at, <u32>written);
    copySpan(writer, this.restStart, this.end);
  }

  /** Writes the selection bitmaps: `keep` over metrics and `keepPoints` over points, each only when it drops something. */
  writeSelection(writer: Writer): void {
    let dropsMetrics = false;
    let dropsPoints = false;
    for (let index = 0; index < this.metrics.length; index++) {
      const metric = unchecked(this.metrics[index]);
      if (!metric.kept) dropsMetrics = true;
      else if (metric.dropsPoints) dropsPoints = true;
    }
    writer.writeMapHeader((dropsMetrics ? 1 : 0) + (dropsPoints ? 1 : 0));
    if (dropsMetrics) {
      writer.writeString('keep');
      const size = (this.metrics.length + 7) >> 3;
      writer.writeBinHeader(size);
      const bits = writer.claim(size);
      memory.fill(bits, 0, <usize>size);
      for (let index = 0; index < this.metrics.length; index++) {
        if (unchecked(this.metrics[index]).kept) setBit(bits, index);
      }
    }
    if (dropsPoints) {
      writer.writeString('keepPoints');
      const size = (this.pointCount + 7) >> 3;
      writer.writeBinHeader(size);
      const bits = writer.claim(size);
      memory.fill(bits, 0, <usize>size);
      for (let index = 0; index < this.metrics.length; index++) {
        const metric = unchecked(this.metrics[index]);
        const data = metric.dropsPoints ? metric.points : null;
        for (let point = 0; point < metric.pointCount; point++) {
          if (data == null || data.isKept(point)) setBit(bits, metric.firstPoint + point);
        }
      }
    }
  }
}

/** Sets bit `index` of the bitmap at `bits`. */
export function setBit(bits: usize, index: i32): void {
  const at = bits + <usize>(index >> 3);
  store<u8>(at, load<u8>(at) | (<u8>1 << (<u8>index & 7)));
}
