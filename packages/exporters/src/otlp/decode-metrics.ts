// Decodes the protobuf bytes of an OTLP `ExportMetricsServiceRequest` into a core MetricsBatch;
// the counterpart of encode-metrics.ts, following opentelemetry/proto/metrics/v1/metrics.proto.
// Data the core model cannot hold faithfully (a metric without data, a sum or histogram without
// aggregation temporality, a histogram whose bucket counts do not match its bounds) is left out
// and reported as rejected, for the receiver's partial success answer.

import type {
  AggregationTemporality,
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsBatch,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '@wasmpipe/core';
import { readKeyValue, readOptionalString, readResource, readScope } from './decode-common.ts';
import { ProtobufDecoder } from './protobuf-decoder.ts';
import { Rejections } from './rejections.ts';

/** A decoded metrics request: the batch, and what was left out of it. */
export interface DecodedMetrics {
  batch: MetricsBatch;
  rejections: Rejections;
}

/** Decodes OTLP `ExportMetricsServiceRequest` protobuf bytes; throws `OtlpDecodeError` when they are malformed. */
export function decodeMetricsRequest(bytes: Uint8Array): DecodedMetrics {
  const decoder = new ProtobufDecoder(bytes);
  const rejections = new Rejections();
  const batch: MetricsBatch = { resourceMetrics: [] };
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) batch.resourceMetrics.push(readResourceMetrics(decoder, rejections));
    else decoder.skipTag(tag);
  }
  return { batch, rejections };
}

function readResourceMetrics(decoder: ProtobufDecoder, rejections: Rejections): ResourceMetrics {
  const resourceMetrics: ResourceMetrics = { resource: { attributes: {} }, scopeMetrics: [] };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) resourceMetrics.resource = readResource(decoder);
    else if (tag === 0x12) resourceMetrics.scopeMetrics.push(readScopeMetrics(decoder, rejections));
    else if (tag === 0x1a) resourceMetrics.schemaUrl = readOptionalString(decoder);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  if (resourceMetrics.schemaUrl === undefined) delete resourceMetrics.schemaUrl;
  return resourceMetrics;
}

function readScopeMetrics(decoder: ProtobufDecoder, rejections: Rejections): ScopeMetrics {
  const scopeMetrics: ScopeMetrics = { scope: { name: '' }, metrics: [] };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) scopeMetrics.scope = readScope(decoder);
    else if (tag === 0x12) {
      const metric = readMetric(decoder, rejections);
      if (metric !== undefined) scopeMetrics.metrics.push(metric);
    } else if (tag === 0x1a) scopeMetrics.schemaUrl = readOptionalString(decoder);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  if (scopeMetrics.schemaUrl === undefined) delete scopeMetrics.schemaUrl;
  return scopeMetrics;
}

/** Metric data as read, before the temporality check: 0 is AGGREGATION_TEMPORALITY_UNSPECIFIED. */
type ReadData = MetricData & { temporality?: number };

function readMetric(decoder: ProtobufDecoder, rejections: Rejections): Metric | undefined {
  let name = '';
  let description: string | undefined;
  let unit: string | undefined;
  let data: ReadData | undefined;
  let metadata: Metric['metadata'];
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x0a:
        name = decoder.string();
        break;
      case 0x12:
        description = readOptionalString(decoder);
        break;
      case 0x1a:
        unit = readOptionalString(decoder);
        break;
      case 0x2a:
        data = { type: 'gauge', dataPoints: readNumberPoints(decoder).points };
        break;
      case 0x3a:
        data = readSum(decoder);
        break;
      case 0x4a:
        data = readHistogram(decoder, name, rejections);
        break;
      case 0x52:
        data = readExponentialHistogram(decoder);
        break;
      case 0x5a:
        data = readSummary(decoder);
        break;
      case 0x62:
        metadata ??= {};
        readKeyValue(decoder, metadata);
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  if (data === undefined) {
    rejections.add(0, `metric "${name}" has no data and was dropped`);
    return undefined;
  }
  if (data.temporality !== undefined) {
    if (data.temporality !== 1 && data.temporality !== 2) {
      rejections.add(data.dataPoints.length, `metric "${name}" has no aggregation temporality`);
      return undefined;
    }
    (data as { aggregationTemporality: AggregationTemporality }).aggregationTemporality =
      data.temporality === 1 ? 'delta' : 'cumulative';
    delete data.temporality;
  }
  const metric: Metric = { name, data };
  if (description !== undefined) metric.description = description;
  if (unit !== undefined) metric.unit = unit;
  if (metadata !== undefined) metric.metadata = metadata;
  return metric;
}

function readNumberPoints(decoder: ProtobufDecoder): {
  points: NumberDataPoint[];
  temporality: number;
  monotonic: boolean;
} {
  const points: NumberDataPoint[] = [];
  let temporality = 0;
  let monotonic = false;
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) points.push(readNumberDataPoint(decoder));
    else if (tag === 0x10) temporality = decoder.uint32();
    else if (tag === 0x18) monotonic = decoder.int64() !== 0;
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return { points, temporality, monotonic };
}

function readSum(decoder: ProtobufDecoder): ReadData {
  const { points, temporality, monotonic } = readNumberPoints(decoder);
  return { type: 'sum', aggregationTemporality: 'cumulative', isMonotonic: monotonic, dataPoints: points, temporality };
}

function readNumberDataPoint(decoder: ProtobufDecoder): NumberDataPoint {
  const point: NumberDataPoint = { attributes: {}, timeUnixNano: 0n, value: 0 };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x3a:
        readKeyValue(decoder, point.attributes);
        break;
      case 0x11:
        point.startTimeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x19:
        point.timeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x21:
        point.value = decoder.double();
        delete point.isInteger;
        break;
      case 0x31:
        point.value = decoder.sfixed64Number();
        point.isInteger = true;
        break;
      case 0x2a:
        point.exemplars ??= [];
        point.exemplars.push(readExemplar(decoder));
        break;
      case 0x40:
        setFlags(point, decoder.uint32());
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return point;
}

function readHistogram(decoder: ProtobufDecoder, name: string, rejections: Rejections): ReadData {
  const dataPoints: HistogramDataPoint[] = [];
  let temporality = 0;
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) {
      const point = readHistogramDataPoint(decoder);
      const buckets = point.bucketCounts.length;
      if (buckets === 0 || buckets === point.explicitBounds.length + 1) dataPoints.push(point);
      else {
        rejections.add(
          1,
          `histogram "${name}" has a data point with ${buckets} bucket counts for ${point.explicitBounds.length} bounds`,
        );
      }
    } else if (tag === 0x10) temporality = decoder.uint32();
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return { type: 'histogram', aggregationTemporality: 'cumulative', dataPoints, temporality };
}

function readHistogramDataPoint(decoder: ProtobufDecoder): HistogramDataPoint {
  const point: HistogramDataPoint = {
    attributes: {},
    timeUnixNano: 0n,
    count: 0,
    bucketCounts: [],
    explicitBounds: [],
  };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x4a:
        readKeyValue(decoder, point.attributes);
        break;
      case 0x11:
        point.startTimeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x19:
        point.timeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x21:
        point.count = decoder.fixed64Number();
        break;
      case 0x29:
        point.sum = decoder.double();
        break;
      case 0x31:
      case 0x32:
        decoder.fixed64Numbers(tag & 7, point.bucketCounts);
        break;
      case 0x39:
      case 0x3a:
        decoder.doubles(tag & 7, point.explicitBounds);
        break;
      case 0x42:
        point.exemplars ??= [];
        point.exemplars.push(readExemplar(decoder));
        break;
      case 0x50:
        setFlags(point, decoder.uint32());
        break;
      case 0x59:
        point.min = decoder.double();
        break;
      case 0x61:
        point.max = decoder.double();
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return point;
}

function readExponentialHistogram(decoder: ProtobufDecoder): ReadData {
  const dataPoints: ExponentialHistogramDataPoint[] = [];
  let temporality = 0;
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) dataPoints.push(readExponentialHistogramDataPoint(decoder));
    else if (tag === 0x10) temporality = decoder.uint32();
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return { type: 'exponential_histogram', aggregationTemporality: 'cumulative', dataPoints, temporality };
}

function readExponentialHistogramDataPoint(decoder: ProtobufDecoder): ExponentialHistogramDataPoint {
  const point: ExponentialHistogramDataPoint = {
    attributes: {},
    timeUnixNano: 0n,
    count: 0,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
  };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x0a:
        readKeyValue(decoder, point.attributes);
        break;
      case 0x11:
        point.startTimeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x19:
        point.timeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x21:
        point.count = decoder.fixed64Number();
        break;
      case 0x29:
        point.sum = decoder.double();
        break;
      case 0x30:
        point.scale = decoder.sint32();
        break;
      case 0x39:
        point.zeroCount = decoder.fixed64Number();
        break;
      case 0x42:
        point.positive = readBuckets(decoder);
        break;
      case 0x4a:
        point.negative = readBuckets(decoder);
        break;
      case 0x50:
        setFlags(point, decoder.uint32());
        break;
      case 0x5a:
        point.exemplars ??= [];
        point.exemplars.push(readExemplar(decoder));
        break;
      case 0x61:
        point.min = decoder.double();
        break;
      case 0x69:
        point.max = decoder.double();
        break;
      case 0x71: {
        const threshold = decoder.double();
        if (threshold !== 0) point.zeroThreshold = threshold;
        else delete point.zeroThreshold;
        break;
      }
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return point;
}

function readBuckets(decoder: ProtobufDecoder): ExponentialBuckets {
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x08) buckets.offset = decoder.sint32();
    else if (tag === 0x10 || tag === 0x12) decoder.varintNumbers(tag & 7, buckets.bucketCounts);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return buckets;
}

function readSummary(decoder: ProtobufDecoder): ReadData {
  const dataPoints: SummaryDataPoint[] = [];
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) dataPoints.push(readSummaryDataPoint(decoder));
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return { type: 'summary', dataPoints };
}

function readSummaryDataPoint(decoder: ProtobufDecoder): SummaryDataPoint {
  const point: SummaryDataPoint = { attributes: {}, timeUnixNano: 0n, count: 0, sum: 0, quantileValues: [] };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x3a:
        readKeyValue(decoder, point.attributes);
        break;
      case 0x11:
        point.startTimeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x19:
        point.timeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x21:
        point.count = decoder.fixed64Number();
        break;
      case 0x29:
        point.sum = decoder.double();
        break;
      case 0x32: {
        const quantile = { quantile: 0, value: 0 };
        const quantileOuter = decoder.enter();
        while (decoder.more()) {
          const quantileTag = decoder.uint32();
          if (quantileTag === 0x09) quantile.quantile = decoder.double();
          else if (quantileTag === 0x11) quantile.value = decoder.double();
          else decoder.skipTag(quantileTag);
        }
        decoder.leave(quantileOuter);
        point.quantileValues.push(quantile);
        break;
      }
      case 0x40:
        setFlags(point, decoder.uint32());
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return point;
}

function readExemplar(decoder: ProtobufDecoder): Exemplar {
  const exemplar: Exemplar = { filteredAttributes: {}, timeUnixNano: 0n, value: 0 };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x3a:
        readKeyValue(decoder, exemplar.filteredAttributes);
        break;
      case 0x11:
        exemplar.timeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x19:
        exemplar.value = decoder.double();
        delete exemplar.isInteger;
        break;
      case 0x31:
        exemplar.value = decoder.sfixed64Number();
        exemplar.isInteger = true;
        break;
      case 0x22:
        exemplar.spanId = decoder.bytesCopy();
        break;
      case 0x2a:
        exemplar.traceId = decoder.bytesCopy();
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return exemplar;
}

/** Sets data point flags, leaving them out when 0 (the proto3 default). */
function setFlags(point: { flags?: number }, flags: number): void {
  if (flags === 0) delete point.flags;
  else point.flags = flags;
}
