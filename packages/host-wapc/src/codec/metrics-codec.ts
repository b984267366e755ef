// MetricsBatch <-> bytes in the contract layout: [strings, resourceMetrics]. The records are
// written first (collecting the string table), then the table, then both are joined, so every
// distinct string is encoded once per batch.

import type { Metric, MetricData, MetricsBatch, ResourceMetrics, ScopeMetrics } from '@wasmpipe/core';
import { METRIC_TYPE, METRIC_TYPE_NAMES, MetricFields, TEMPORALITY } from '../generated/contract.ts';
import {
  readInstrumentationScope,
  readResource,
  writeInstrumentationScope,
  writeResource,
} from '../generated/records.ts';
import {
  readOptionalAttributes,
  StringTable,
  writeOptionalAttributes,
  writeOptionalString,
  writeString,
} from './any-value.ts';
import { readDataPoints, writeDataPoints } from './data-points-codec.ts';
import { WireReader, wireError } from './wire-reader.ts';
import { WireWriter } from './wire-writer.ts';

/** Encodes batches, reusing its buffers and string table from one batch to the next. */
export class BatchEncoder {
  readonly body = new WireWriter();
  readonly head = new WireWriter(16 * 1024);
  readonly table = new StringTable();

  /** Joins the string table and the records written to `body` into bytes the caller owns. */
  finish(): Uint8Array {
    const { head, body, table } = this;
    head.reset();
    head.arrayHeader(2);
    head.arrayHeader(table.strings.length);
    for (const value of table.strings) head.str(value);
    const bytes = new Uint8Array(head.position + body.position);
    bytes.set(head.bytes.subarray(0, head.position));
    bytes.set(body.bytes.subarray(0, body.position), head.position);
    return bytes;
  }

  /** Encodes a metrics batch. */
  encodeMetrics(batch: MetricsBatch): Uint8Array {
    const { body, table } = this;
    body.reset();
    table.reset();
    body.arrayHeader(batch.resourceMetrics.length);
    for (const resourceMetrics of batch.resourceMetrics) {
      body.arrayHeader(3);
      writeResource(body, table, resourceMetrics.resource);
      body.arrayHeader(resourceMetrics.scopeMetrics.length);
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        body.arrayHeader(3);
        writeInstrumentationScope(body, table, scopeMetrics.scope);
        body.arrayHeader(scopeMetrics.metrics.length);
        for (const metric of scopeMetrics.metrics) writeMetric(body, table, metric);
        writeOptionalString(body, table, scopeMetrics.schemaUrl);
      }
      writeOptionalString(body, table, resourceMetrics.schemaUrl);
    }
    return this.finish();
  }
}

function writeMetric(writer: WireWriter, table: StringTable, metric: Metric): void {
  const { data } = metric;
  writer.arrayHeader(metric.metadata === undefined ? MetricFields.points + 1 : MetricFields.metadata + 1);
  writeString(writer, table, metric.name);
  writeOptionalString(writer, table, metric.description);
  writeOptionalString(writer, table, metric.unit);
  writer.uint(METRIC_TYPE[data.type]);
  writer.uint('aggregationTemporality' in data ? TEMPORALITY[data.aggregationTemporality] : TEMPORALITY.unspecified);
  writer.bool(data.type === 'sum' && data.isMonotonic);
  const at = writer.reserveBin32();
  writeDataPoints(writer, table, data);
  writer.patchBin32(at);
  if (metric.metadata !== undefined) writeOptionalAttributes(writer, table, metric.metadata);
}

/** Decodes a metrics batch, checking every field. */
export function decodeMetrics(bytes: Uint8Array): MetricsBatch {
  const reader = new WireReader(bytes);
  const fields = reader.arrayHeader('MetricsBatch');
  if (fields < 2) throw wireError('MetricsBatch', 'a tuple of 2 fields', `${fields}`);
  reader.readStringTable('MetricsBatch.strings');
  const count = reader.arrayHeader('MetricsBatch.resourceMetrics');
  const resourceMetrics = new Array<ResourceMetrics>(count);
  for (let index = 0; index < count; index++) resourceMetrics[index] = readResourceMetrics(reader);
  reader.skipMany(fields - 2, 'MetricsBatch');
  if (reader.position !== bytes.length) throw wireError('MetricsBatch', 'the whole payload', 'trailing bytes');
  return { resourceMetrics };
}

function readResourceMetrics(reader: WireReader): ResourceMetrics {
  const fields = reader.arrayHeader('ResourceMetrics');
  if (fields < 2) throw wireError('ResourceMetrics', 'a tuple of at least 2 fields', `${fields}`);
  const resource = readResource(reader);
  const count = reader.arrayHeader('ResourceMetrics.scopeMetrics');
  const scopeMetrics = new Array<ScopeMetrics>(count);
  for (let index = 0; index < count; index++) scopeMetrics[index] = readScopeMetrics(reader);
  const result: ResourceMetrics = { resource, scopeMetrics };
  const schemaUrl = fields > 2 ? reader.optionalString('ResourceMetrics.schemaUrl') : undefined;
  if (schemaUrl !== undefined) result.schemaUrl = schemaUrl;
  reader.skipMany(fields - 3, 'ResourceMetrics');
  return result;
}

function readScopeMetrics(reader: WireReader): ScopeMetrics {
  const fields = reader.arrayHeader('ScopeMetrics');
  if (fields < 2) throw wireError('ScopeMetrics', 'a tuple of at least 2 fields', `${fields}`);
  const scope = readInstrumentationScope(reader);
  const count = reader.arrayHeader('ScopeMetrics.metrics');
  const metrics = new Array<Metric>(count);
  for (let index = 0; index < count; index++) metrics[index] = readMetric(reader);
  const result: ScopeMetrics = { scope, metrics };
  const schemaUrl = fields > 2 ? reader.optionalString('ScopeMetrics.schemaUrl') : undefined;
  if (schemaUrl !== undefined) result.schemaUrl = schemaUrl;
  reader.skipMany(fields - 3, 'ScopeMetrics');
  return result;
}

function readMetric(reader: WireReader): Metric {
  const fields = reader.arrayHeader('Metric');
  if (fields < MetricFields.points + 1) throw wireError('Metric', 'a tuple of at least 7 fields', `${fields}`);
  const name = reader.string('Metric.name');
  const description = reader.optionalString('Metric.description');
  const unit = reader.optionalString('Metric.unit');
  const typeCode = reader.uint('Metric.type');
  const temporalityCode = reader.uint('Metric.temporality');
  const monotonic = !reader.nil() && reader.bool('Metric.monotonic');
  if (METRIC_TYPE_NAMES[typeCode] === undefined)
    throw wireError('Metric.type', 'a MetricType code from 1 to 5', `${typeCode}`);
  const length = reader.binHeader('Metric.points');
  const end = reader.position + length;
  const outer = reader.end;
  reader.end = end;
  const data = dataOf(typeCode, temporalityCode, monotonic, readDataPoints(reader, typeCode));
  if (reader.position !== end) throw wireError('Metric.points', 'exactly one DataPoints tuple', 'trailing bytes');
  reader.end = outer;
  const metadata = fields > MetricFields.metadata ? readOptionalAttributes(reader, 'Metric.metadata') : undefined;
  reader.skipMany(fields - MetricFields.metadata - 1, 'Metric');
  const metric: Metric = { name, data };
  if (description !== undefined) metric.description = description;
  if (unit !== undefined) metric.unit = unit;
  if (metadata !== undefined) metric.metadata = metadata;
  return metric;
}

function dataOf(typeCode: number, temporalityCode: number, monotonic: boolean, points: unknown[]): MetricData {
  // Unspecified (0) reads as cumulative: the scan that checked the bytes allows every code.
  const temporality = () => (temporalityCode === TEMPORALITY.delta ? ('delta' as const) : ('cumulative' as const));
  const type = METRIC_TYPE_NAMES[typeCode];
  switch (type) {
    case 'gauge':
      return { type, dataPoints: points } as MetricData;
    case 'sum':
      return { type, aggregationTemporality: temporality(), isMonotonic: monotonic, dataPoints: points } as MetricData;
    case 'histogram':
    case 'exponential_histogram':
      return { type, aggregationTemporality: temporality(), dataPoints: points } as MetricData;
    case 'summary':
      return { type, dataPoints: points } as MetricData;
    default:
      throw wireError('Metric.type', 'a MetricType code from 1 to 5', `${typeCode}`);
  }
}
