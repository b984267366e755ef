// Applies a selection to a batch's bytes, so the next plugin gets bytes without a decode and
// re-encode in between. Kept metrics are copied whole (their points are one bin); a metric that
// keeps some of its points gets new columns, cell by cell; everything else is copied as it is,
// the string table included. Scopes and resources left empty are rolled back.

import { permanentError } from '@wasmpipe/core';
import { type ColumnForm, DataPointsColumns, MetricFields } from '../generated/contract.ts';
import { WireReader } from './wire-reader.ts';
import { WireWriter } from './wire-writer.ts';

/** What is left after a selection. */
export interface SelectedBytes {
  bytes: Uint8Array;
  /** Metrics (or log records) left. */
  items: number;
  /** Data points left (metrics only; 0 for logs). */
  points: number;
  /** Resources left. */
  resources: number;
}

const writer = new WireWriter();

function bit(bitmap: Uint8Array | undefined, index: number): boolean {
  return bitmap === undefined || ((bitmap[index >>> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

function copyValue(reader: WireReader, what: string): void {
  const start = reader.position;
  reader.skip(what);
  writer.raw(reader.bytes, start, reader.position);
}

function copyRest(reader: WireReader, fields: number, done: number, what: string): void {
  for (let field = done; field < fields; field++) copyValue(reader, what);
}

/** Keeps the selected metrics and points of an encoded metrics batch (already checked by a scan). */
export function applyMetricsSelectionToBytes(
  bytes: Uint8Array,
  keep: Uint8Array | undefined,
  keepPoints: Uint8Array | undefined,
): SelectedBytes {
  const reader = new WireReader(bytes);
  writer.reset();
  const fields = reader.arrayHeader('MetricsBatch');
  writer.arrayHeader(fields);
  copyValue(reader, 'MetricsBatch.strings');
  let metricIndex = 0;
  let pointIndex = 0;
  let keptMetrics = 0;
  let keptPoints = 0;
  let keptResources = 0;
  const resourceCount = reader.arrayHeader('MetricsBatch.resourceMetrics');
  const resourcesAt = writer.reserveArray32();
  for (let resource = 0; resource < resourceCount; resource++) {
    const resourceStart = writer.position;
    const resourceFields = reader.arrayHeader('ResourceMetrics');
    writer.arrayHeader(resourceFields);
    copyValue(reader, 'ResourceMetrics.resource');
    const scopeCount = reader.arrayHeader('ResourceMetrics.scopeMetrics');
    const scopesAt = writer.reserveArray32();
    let keptScopes = 0;
    for (let scope = 0; scope < scopeCount; scope++) {
      const scopeStart = writer.position;
      const scopeFields = reader.arrayHeader('ScopeMetrics');
      writer.arrayHeader(scopeFields);
      copyValue(reader, 'ScopeMetrics.scope');
      const metricCount = reader.arrayHeader('ScopeMetrics.metrics');
      const metricsAt = writer.reserveArray32();
      let keptHere = 0;
      for (let metric = 0; metric < metricCount; metric++) {
        const metricStart = reader.position;
        const metricFields = reader.arrayHeader('Metric');
        for (let field = 0; field < MetricFields.points; field++) reader.skip('Metric');
        const pointsHeader = reader.position;
        const length = reader.binHeader('Metric.points');
        const pointsStart = reader.position;
        const pointsEnd = pointsStart + length;
        const inner = new WireReader(bytes, pointsStart, pointsEnd);
        inner.arrayHeader('DataPoints');
        const count = inner.uint('DataPoints.count');
        const firstPoint = pointIndex;
        pointIndex += count;
        const metricKept = bit(keep, metricIndex++);
        reader.position = pointsEnd;
        const restStart = reader.position;
        for (let field = MetricFields.points + 1; field < metricFields; field++) reader.skip('Metric');
        if (!metricKept) continue;
        let kept = count;
        if (keepPoints !== undefined) {
          kept = 0;
          for (let index = 0; index < count; index++) if (bit(keepPoints, firstPoint + index)) kept++;
        }
        if (count > 0 && kept === 0) continue;
        if (kept === count) {
          writer.raw(bytes, metricStart, reader.position);
        } else {
          writer.raw(bytes, metricStart, pointsHeader);
          const at = writer.reserveBin32();
          filterColumns(new WireReader(bytes, pointsStart, pointsEnd), keepPoints as Uint8Array, firstPoint, kept);
          writer.patchBin32(at);
          writer.raw(bytes, restStart, reader.position);
        }
        keptHere += 1;
        keptPoints += kept;
      }
      writer.patchArray32(metricsAt, keptHere);
      copyRest(reader, scopeFields, 2, 'ScopeMetrics');
      if (keptHere === 0) writer.position = scopeStart;
      else {
        keptScopes += 1;
        keptMetrics += keptHere;
      }
    }
    writer.patchArray32(scopesAt, keptScopes);
    copyRest(reader, resourceFields, 2, 'ResourceMetrics');
    if (keptScopes === 0) writer.position = resourceStart;
    else keptResources += 1;
  }
  writer.patchArray32(resourcesAt, keptResources);
  copyRest(reader, fields, 2, 'MetricsBatch');
  checkLength(keep, metricIndex, 'metrics');
  checkLength(keepPoints, pointIndex, 'data points');
  return { bytes: writer.take(), items: keptMetrics, points: keptPoints, resources: keptResources };
}

// Writes a DataPoints tuple with only the kept points, column by column, as its forms say.
function filterColumns(reader: WireReader, keepPoints: Uint8Array, first: number, kept: number): void {
  const fields = reader.arrayHeader('DataPoints');
  writer.arrayHeader(fields);
  let count = 0;
  for (let field = 0; field < fields; field++) {
    const form: ColumnForm | undefined = DataPointsColumns[field];
    if (form === 'count') {
      count = reader.uint('DataPoints.count');
      writer.uint(kept);
    } else if (form === undefined) {
      copyValue(reader, 'DataPoints');
    } else if (reader.nil()) {
      writer.nil();
    } else if (form === 'list') {
      reader.arrayHeader('DataPoints column');
      writer.arrayHeader(kept);
      for (let index = 0; index < count; index++) {
        const start = reader.position;
        reader.skip('DataPoints column');
        if (bit(keepPoints, first + index)) writer.raw(reader.bytes, start, reader.position);
      }
    } else if (form === 'bitmap') {
      const length = reader.binHeader('DataPoints bitmap');
      const source = reader.position;
      const size = Math.ceil(kept / 8);
      writer.binHeader(size);
      const target = writer.position;
      writer.bytes.fill(0, target, target + size);
      let out = 0;
      for (let index = 0; index < count; index++) {
        if (!bit(keepPoints, first + index)) continue;
        if (((reader.bytes[source + (index >>> 3)] ?? 0) & (1 << (index & 7))) !== 0) {
          writer.bytes[target + (out >>> 3)]! |= 1 << (out & 7);
        }
        out++;
      }
      writer.position += size;
      reader.position += length;
    } else {
      const width = form === 'packed4' ? 4 : 8;
      const length = reader.binHeader('DataPoints packed column');
      const source = reader.position;
      writer.binHeader(kept * width);
      const bytes = writer.bytes;
      let target = writer.position;
      for (let index = 0; index < count; index++) {
        if (!bit(keepPoints, first + index)) continue;
        const from = source + index * width;
        for (let byte = 0; byte < width; byte++) bytes[target + byte] = reader.bytes[from + byte]!;
        target += width;
      }
      writer.position = target;
      reader.position += length;
    }
  }
}

/** Keeps the selected log records of an encoded logs batch (already checked by a scan). */
export function applyLogsSelectionToBytes(bytes: Uint8Array, keep: Uint8Array): SelectedBytes {
  const reader = new WireReader(bytes);
  writer.reset();
  const fields = reader.arrayHeader('LogsBatch');
  writer.arrayHeader(fields);
  copyValue(reader, 'LogsBatch.strings');
  let recordIndex = 0;
  let keptRecords = 0;
  let keptResources = 0;
  const resourceCount = reader.arrayHeader('LogsBatch.resourceLogs');
  const resourcesAt = writer.reserveArray32();
  for (let resource = 0; resource < resourceCount; resource++) {
    const resourceStart = writer.position;
    const resourceFields = reader.arrayHeader('ResourceLogs');
    writer.arrayHeader(resourceFields);
    copyValue(reader, 'ResourceLogs.resource');
    const scopeCount = reader.arrayHeader('ResourceLogs.scopeLogs');
    const scopesAt = writer.reserveArray32();
    let keptScopes = 0;
    for (let scope = 0; scope < scopeCount; scope++) {
      const scopeStart = writer.position;
      const scopeFields = reader.arrayHeader('ScopeLogs');
      writer.arrayHeader(scopeFields);
      copyValue(reader, 'ScopeLogs.scope');
      const recordCount = reader.arrayHeader('ScopeLogs.logRecords');
      const recordsAt = writer.reserveArray32();
      let keptHere = 0;
      for (let record = 0; record < recordCount; record++) {
        const start = reader.position;
        reader.skip('LogRecord');
        if (!bit(keep, recordIndex++)) continue;
        writer.raw(bytes, start, reader.position);
        keptHere += 1;
      }
      writer.patchArray32(recordsAt, keptHere);
      copyRest(reader, scopeFields, 2, 'ScopeLogs');
      if (keptHere === 0) writer.position = scopeStart;
      else {
        keptScopes += 1;
        keptRecords += keptHere;
      }
    }
    writer.patchArray32(scopesAt, keptScopes);
    copyRest(reader, resourceFields, 2, 'ResourceLogs');
    if (keptScopes === 0) writer.position = resourceStart;
    else keptResources += 1;
  }
  writer.patchArray32(resourcesAt, keptResources);
  copyRest(reader, fields, 2, 'LogsBatch');
  checkLength(keep, recordIndex, 'log records');
  return { bytes: writer.take(), items: keptRecords, points: 0, resources: keptResources };
}

function checkLength(bitmap: Uint8Array | undefined, count: number, items: string): void {
  if (bitmap === undefined) return;
  const expected = Math.ceil(count / 8);
  if (bitmap.length !== expected) {
    throw permanentError(
      `The plugin's selection has ${bitmap.length} byte(s); a batch of ${count} ${items} needs ${expected}.`,
    );
  }
}
