// Encodes a core MetricsBatch as an OTLP `ExportMetricsServiceRequest` (protobuf), following
// opentelemetry/proto/metrics/v1/metrics.proto. Scalar fields holding their proto3 default are
// left out; oneof values (`as_int`, `as_double`) are always written.

import type {
  AggregationTemporality,
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsBatch,
  NumberDataPoint,
  ResourceMetrics,
  SummaryDataPoint,
} from '@wasmpipe/core';
import { writeAttributes, writeBytesField, writeResource, writeScope, writeStringField } from './encode-common.ts';
import { ProtobufWriter, WireType } from './protobuf-writer.ts';

const sharedWriter = new ProtobufWriter();

/** Encodes a metrics batch as the protobuf bytes of an OTLP `ExportMetricsServiceRequest`. */
export function encodeMetricsRequest(batch: MetricsBatch): Uint8Array<ArrayBuffer> {
  const writer = sharedWriter;
  try {
    for (const resourceMetrics of batch.resourceMetrics) writeResourceMetrics(writer, resourceMetrics);
    return writer.finish();
  } catch (error) {
    writer.reset();
    throw error;
  }
}

function writeResourceMetrics(writer: ProtobufWriter, resourceMetrics: ResourceMetrics): void {
  const resourceStart = writer.beginMessage(1);
  writeResource(writer, 1, resourceMetrics.resource);
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    const scopeStart = writer.beginMessage(2);
    writeScope(writer, 1, scopeMetrics.scope);
    for (const metric of scopeMetrics.metrics) writeMetric(writer, metric);
    writeStringField(writer, 3, scopeMetrics.schemaUrl);
    writer.endMessage(scopeStart);
  }
  writeStringField(writer, 3, resourceMetrics.schemaUrl);
  writer.endMessage(resourceStart);
}

function writeMetric(writer: ProtobufWriter, metric: Metric): void {
  const metricStart = writer.beginMessage(2);
  writeStringField(writer, 1, metric.name);
  writeStringField(writer, 2, metric.description);
  writeStringField(writer, 3, metric.unit);
  const data = metric.data;
  switch (data.type) {
    case 'gauge': {
      const start = writer.beginMessage(5);
      for (const point of data.dataPoints) writeNumberDataPoint(writer, point);
      writer.endMessage(start);
      break;
    }
    case 'sum': {
      const start = writer.beginMessage(7);
      for (const point of data.dataPoints) writeNumberDataPoint(writer, point);
      writeTemporality(writer, data.aggregationTemporality);
      if (data.isMonotonic) {
        writer.tag(3, WireType.VARINT);
        writer.varint32(1);
      }
      writer.endMessage(start);
      break;
    }
    case 'histogram': {
      const start = writer.beginMessage(9);
      for (const point of data.dataPoints) writeHistogramDataPoint(writer, point);
      writeTemporality(writer, data.aggregationTemporality);
      writer.endMessage(start);
      break;
    }
    case 'exponential_histogram': {
      const start = writer.beginMessage(10);
      for (const point of data.dataPoints) writeExponentialHistogramDataPoint(writer, point);
      writeTemporality(writer, data.aggregationTemporality);
      writer.endMessage(start);
      break;
    }
    case 'summary': {
      const start = writer.beginMessage(11);
      for (const point of data.dataPoints) writeSummaryDataPoint(writer, point);
      writer.endMessage(start);
      break;
    }
  }
  // `metadata` (field 12) is newer than some receivers; they skip it as an unknown field.
  writeAttributes(writer, 12, metric.metadata);
  writer.endMessage(metricStart);
}

function writeTemporality(writer: ProtobufWriter, temporality: AggregationTemporality): void {
  writer.tag(2, WireType.VARINT);
  writer.varint32(temporality === 'delta' ? 1 : 2);
}

function writeNumberDataPoint(writer: ProtobufWriter, point: NumberDataPoint): void {
  const start = writer.beginMessage(1);
  writeAttributes(writer, 7, point.attributes);
  writeTimes(writer, point.startTimeUnixNano, point.timeUnixNano);
  if (point.isInteger) {
    writer.tag(6, WireType.FIXED64);
    writer.fixed64(Math.trunc(point.value));
  } else {
    writer.tag(4, WireType.FIXED64);
    writer.double(point.value);
  }
  if (point.exemplars !== undefined) for (const exemplar of point.exemplars) writeExemplar(writer, 5, exemplar);
  writeFlags(writer, 8, point.flags);
  writer.endMessage(start);
}

function writeHistogramDataPoint(writer: ProtobufWriter, point: HistogramDataPoint): void {
  const start = writer.beginMessage(1);
  writeAttributes(writer, 9, point.attributes);
  writeTimes(writer, point.startTimeUnixNano, point.timeUnixNano);
  writeFixed64Field(writer, 4, point.count);
  writeOptionalDouble(writer, 5, point.sum);
  writer.packedFixed64(6, point.bucketCounts);
  writer.packedDoubles(7, point.explicitBounds);
  if (point.exemplars !== undefined) for (const exemplar of point.exemplars) writeExemplar(writer, 8, exemplar);
  writeFlags(writer, 10, point.flags);
  writeOptionalDouble(writer, 11, point.min);
  writeOptionalDouble(writer, 12, point.max);
  writer.endMessage(start);
}

function writeExponentialHistogramDataPoint(writer: ProtobufWriter, point: ExponentialHistogramDataPoint): void {
  const start = writer.beginMessage(1);
  writeAttributes(writer, 1, point.attributes);
  writeTimes(writer, point.startTimeUnixNano, point.timeUnixNano);
  writeFixed64Field(writer, 4, point.count);
  writeOptionalDouble(writer, 5, point.sum);
  if (point.scale !== 0) {
    writer.tag(6, WireType.VARINT);
    writer.sint32(point.scale);
  }
  writeFixed64Field(writer, 7, point.zeroCount);
  writeBuckets(writer, 8, point.positive);
  writeBuckets(writer, 9, point.negative);
  writeFlags(writer, 10, point.flags);
  if (point.exemplars !== undefined) for (const exemplar of point.exemplars) writeExemplar(writer, 11, exemplar);
  writeOptionalDouble(writer, 12, point.min);
  writeOptionalDouble(writer, 13, point.max);
  if (point.zeroThreshold) {
    writer.tag(14, WireType.FIXED64);
    writer.double(point.zeroThreshold);
  }
  writer.endMessage(start);
}

function writeBuckets(writer: ProtobufWriter, fieldNumber: number, buckets: ExponentialBuckets): void {
  const start = writer.beginMessage(fieldNumber);
  if (buckets.offset !== 0) {
    writer.tag(1, WireType.VARINT);
    writer.sint32(buckets.offset);
  }
  writer.packedVarints(2, buckets.bucketCounts);
  writer.endMessage(start);
}

function writeSummaryDataPoint(writer: ProtobufWriter, point: SummaryDataPoint): void {
  const start = writer.beginMessage(1);
  writeTimes(writer, point.startTimeUnixNano, point.timeUnixNano);
  writeFixed64Field(writer, 4, point.count);
  if (point.sum !== 0) {
    writer.tag(5, WireType.FIXED64);
    writer.double(point.sum);
  }
  for (const quantile of point.quantileValues) {
    const quantileStart = writer.beginMessage(6);
    if (quantile.quantile !== 0) {
      writer.tag(1, WireType.FIXED64);
      writer.double(quantile.quantile);
    }
    if (quantile.value !== 0) {
      writer.tag(2, WireType.FIXED64);
      writer.double(quantile.value);
    }
    writer.endMessage(quantileStart);
  }
  writeAttributes(writer, 7, point.attributes);
  writeFlags(writer, 8, point.flags);
  writer.endMessage(start);
}

function writeExemplar(writer: ProtobufWriter, fieldNumber: number, exemplar: Exemplar): void {
  const start = writer.beginMessage(fieldNumber);
  if (exemplar.timeUnixNano !== 0n) {
    writer.tag(2, WireType.FIXED64);
    writer.fixed64BigInt(exemplar.timeUnixNano);
  }
  if (exemplar.isInteger) {
    writer.tag(6, WireType.FIXED64);
    writer.fixed64(Math.trunc(exemplar.value));
  } else {
    writer.tag(3, WireType.FIXED64);
    writer.double(exemplar.value);
  }
  writeBytesField(writer, 4, exemplar.spanId);
  writeBytesField(writer, 5, exemplar.traceId);
  writeAttributes(writer, 7, exemplar.filteredAttributes);
  writer.endMessage(start);
}

/** Writes `start_time_unix_nano` (2) and `time_unix_nano` (3), the same numbers in every data point type. */
function writeTimes(writer: ProtobufWriter, startTime: bigint | undefined, time: bigint): void {
  if (startTime !== undefined && startTime !== 0n) {
    writer.tag(2, WireType.FIXED64);
    writer.fixed64BigInt(startTime);
  }
  if (time !== 0n) {
    writer.tag(3, WireType.FIXED64);
    writer.fixed64BigInt(time);
  }
}

function writeFixed64Field(writer: ProtobufWriter, fieldNumber: number, value: number): void {
  if (value === 0) return;
  writer.tag(fieldNumber, WireType.FIXED64);
  writer.fixed64(value);
}

function writeOptionalDouble(writer: ProtobufWriter, fieldNumber: number, value: number | undefined): void {
  if (value === undefined) return;
  writer.tag(fieldNumber, WireType.FIXED64);
  writer.double(value);
}

function writeFlags(writer: ProtobufWriter, fieldNumber: number, flags: number | undefined): void {
  if (!flags) return;
  writer.tag(fieldNumber, WireType.VARINT);
  writer.varint32(flags);
}
