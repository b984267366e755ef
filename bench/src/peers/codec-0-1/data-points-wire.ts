// Benchmark peer: the foundation's codec (contract 0.1.0), copied unchanged from
// packages/host-wapc/src/codec/data-points-wire.ts as it was before contract 0.2.0 replaced it.

// Data point tuples. Every kind starts with the same five fields (attributes, start time, time,
// flags, exemplars); the kind's own fields follow, in contracts/wasmpipe.apexlang order.

import type {
  DataPointBase,
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
  SummaryDataPoint,
} from '@wasmpipe/core';
import {
  readAttributes,
  readFlag,
  readList,
  readNanos,
  readNumber,
  readNumbers,
  readOptionalBytes,
  readOptionalNanos,
  readOptionalNumber,
} from './wire-values.ts';

function exemplarToWire(exemplar: Exemplar): unknown[] {
  const { filteredAttributes, timeUnixNano, value, isInteger, spanId, traceId } = exemplar;
  return [filteredAttributes, timeUnixNano, value, isInteger ?? false, spanId, traceId];
}

function exemplarFromWire(value: unknown): Exemplar {
  const [attributes, time, sample, isInteger, spanId, traceId] = readList(value, 'exemplar');
  const exemplar: Exemplar = {
    filteredAttributes: readAttributes(attributes, 'exemplar.filteredAttributes'),
    timeUnixNano: readNanos(time, 'exemplar.timeUnixNano'),
    value: readNumber(sample, 'exemplar.value'),
  };
  if (readFlag(isInteger, 'exemplar.isInteger')) exemplar.isInteger = true;
  const span = readOptionalBytes(spanId, 'exemplar.spanId');
  if (span) exemplar.spanId = span;
  const trace = readOptionalBytes(traceId, 'exemplar.traceId');
  if (trace) exemplar.traceId = trace;
  return exemplar;
}

function baseToWire(point: DataPointBase): unknown[] {
  return [
    point.attributes,
    point.startTimeUnixNano,
    point.timeUnixNano,
    point.flags,
    point.exemplars?.map(exemplarToWire),
  ];
}

function baseFromWire(fields: readonly unknown[]): DataPointBase {
  const [attributes, start, time, flags, exemplars] = fields;
  const point: DataPointBase = {
    attributes: readAttributes(attributes, 'dataPoint.attributes'),
    timeUnixNano: readNanos(time, 'dataPoint.timeUnixNano'),
  };
  const startTimeUnixNano = readOptionalNanos(start, 'dataPoint.startTimeUnixNano');
  if (startTimeUnixNano !== undefined) point.startTimeUnixNano = startTimeUnixNano;
  const pointFlags = readOptionalNumber(flags, 'dataPoint.flags');
  if (pointFlags !== undefined) point.flags = pointFlags;
  if (exemplars != null) point.exemplars = readList(exemplars, 'dataPoint.exemplars').map(exemplarFromWire);
  return point;
}

/** NumberDataPoint -> [...base, value, isInteger]. */
export function numberPointToWire(point: NumberDataPoint): unknown[] {
  return [...baseToWire(point), point.value, point.isInteger ?? false];
}

/** Decodes a NumberDataPoint tuple; `isInteger: false` reads back as absent. */
export function numberPointFromWire(value: unknown): NumberDataPoint {
  const fields = readList(value, 'dataPoint');
  const point: NumberDataPoint = { ...baseFromWire(fields), value: readNumber(fields[5], 'dataPoint.value') };
  if (readFlag(fields[6], 'dataPoint.isInteger')) point.isInteger = true;
  return point;
}

/** HistogramDataPoint -> [...base, count, sum, bucketCounts, explicitBounds, min, max]. */
export function histogramPointToWire(point: HistogramDataPoint): unknown[] {
  const { count, sum, bucketCounts, explicitBounds, min, max } = point;
  return [...baseToWire(point), count, sum, bucketCounts, explicitBounds, min, max];
}

/** Decodes a HistogramDataPoint tuple. */
export function histogramPointFromWire(value: unknown): HistogramDataPoint {
  const fields = readList(value, 'dataPoint');
  const point: HistogramDataPoint = {
    ...baseFromWire(fields),
    count: readNumber(fields[5], 'dataPoint.count'),
    bucketCounts: readNumbers(fields[7], 'dataPoint.bucketCounts'),
    explicitBounds: readNumbers(fields[8], 'dataPoint.explicitBounds'),
  };
  assignOptionalNumbers(point, { sum: fields[6], min: fields[9], max: fields[10] });
  return point;
}

function bucketsToWire(buckets: ExponentialBuckets): unknown[] {
  return [buckets.offset, buckets.bucketCounts];
}

function bucketsFromWire(value: unknown, what: string): ExponentialBuckets {
  const [offset, counts] = readList(value, what);
  return { offset: readNumber(offset, `${what}.offset`), bucketCounts: readNumbers(counts, `${what}.bucketCounts`) };
}

/** ExponentialHistogramDataPoint -> [...base, count, sum, scale, zeroCount, positive, negative, min, max, zeroThreshold]. */
export function exponentialPointToWire(point: ExponentialHistogramDataPoint): unknown[] {
  const { count, sum, scale, zeroCount, positive, negative, min, max, zeroThreshold } = point;
  const buckets = [bucketsToWire(positive), bucketsToWire(negative)];
  return [...baseToWire(point), count, sum, scale, zeroCount, ...buckets, min, max, zeroThreshold];
}

/** Decodes an ExponentialHistogramDataPoint tuple. */
export function exponentialPointFromWire(value: unknown): ExponentialHistogramDataPoint {
  const fields = readList(value, 'dataPoint');
  const point: ExponentialHistogramDataPoint = {
    ...baseFromWire(fields),
    count: readNumber(fields[5], 'dataPoint.count'),
    scale: readNumber(fields[7], 'dataPoint.scale'),
    zeroCount: readNumber(fields[8], 'dataPoint.zeroCount'),
    positive: bucketsFromWire(fields[9], 'dataPoint.positive'),
    negative: bucketsFromWire(fields[10], 'dataPoint.negative'),
  };
  assignOptionalNumbers(point, { sum: fields[6], min: fields[11], max: fields[12], zeroThreshold: fields[13] });
  return point;
}

/** SummaryDataPoint -> [...base, count, sum, quantileValues]. */
export function summaryPointToWire(point: SummaryDataPoint): unknown[] {
  const quantiles = point.quantileValues.map(({ quantile, value }) => [quantile, value]);
  return [...baseToWire(point), point.count, point.sum, quantiles];
}

/** Decodes a SummaryDataPoint tuple. */
export function summaryPointFromWire(value: unknown): SummaryDataPoint {
  const fields = readList(value, 'dataPoint');
  const quantileValues = readList(fields[7], 'dataPoint.quantileValues').map((item) => {
    const [quantile, sample] = readList(item, 'dataPoint.quantileValues[]');
    return { quantile: readNumber(quantile, 'quantile'), value: readNumber(sample, 'quantile value') };
  });
  return {
    ...baseFromWire(fields),
    count: readNumber(fields[5], 'dataPoint.count'),
    sum: readNumber(fields[6], 'dataPoint.sum'),
    quantileValues,
  };
}

function assignOptionalNumbers<T extends object>(target: T, fields: Partial<Record<keyof T & string, unknown>>): void {
  for (const [key, raw] of Object.entries(fields)) {
    const value = readOptionalNumber(raw, `dataPoint.${key}`);
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
