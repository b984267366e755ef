// Converts core batches to the OTLP/JSON shape (the protobuf JSON mapping as the OTLP spec fixes
// it): camelCase names, 64-bit integers as decimal strings, trace and span ids as hex, other bytes
// as base64, enums as numbers. Fields holding their proto3 default are left out, as in the
// protobuf encoders, so both encodings carry the same fields.

import type {
  AnyValue,
  Attributes,
  DataPointBase,
  Exemplar,
  ExponentialBuckets,
  InstrumentationScope,
  LogRecord,
  LogsBatch,
  Metric,
  MetricsBatch,
  NumberDataPoint,
  Resource,
} from '@wasmpipe/core';
import { isWholeNumber } from './encode-common.ts';

/** A JSON value as produced by these converters. */
export type OtlpJson = string | number | boolean | null | OtlpJson[] | { [key: string]: OtlpJson };
type JsonObject = { [key: string]: OtlpJson };

/** Converts a metrics batch to an OTLP/JSON `ExportMetricsServiceRequest` object. */
export function metricsToOtlpJson(batch: MetricsBatch): JsonObject {
  return {
    resourceMetrics: batch.resourceMetrics.map((resourceMetrics) =>
      compact({
        resource: resourceJson(resourceMetrics.resource),
        scopeMetrics: resourceMetrics.scopeMetrics.map((scopeMetrics) =>
          compact({
            scope: scopeJson(scopeMetrics.scope),
            metrics: scopeMetrics.metrics.map(metricJson),
            schemaUrl: scopeMetrics.schemaUrl,
          }),
        ),
        schemaUrl: resourceMetrics.schemaUrl,
      }),
    ),
  };
}

/** Converts a logs batch to an OTLP/JSON `ExportLogsServiceRequest` object. */
export function logsToOtlpJson(batch: LogsBatch): JsonObject {
  return {
    resourceLogs: batch.resourceLogs.map((resourceLogs) =>
      compact({
        resource: resourceJson(resourceLogs.resource),
        scopeLogs: resourceLogs.scopeLogs.map((scopeLogs) =>
          compact({
            scope: scopeJson(scopeLogs.scope),
            logRecords: scopeLogs.logRecords.map(logRecordJson),
            schemaUrl: scopeLogs.schemaUrl,
          }),
        ),
        schemaUrl: resourceLogs.schemaUrl,
      }),
    ),
  };
}

/** Converts an attribute value to an OTLP/JSON `AnyValue` object; null is `{}`. */
export function anyValueJson(value: AnyValue): JsonObject {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: BigInt.asIntN(64, value).toString() };
    case 'number':
      return isWholeNumber(value) ? { intValue: String(value) } : { doubleValue: doubleJson(value) };
  }
  if (value === null || value === undefined) return {};
  if (value instanceof Uint8Array) return { bytesValue: base64(value) };
  if (Array.isArray(value)) {
    return { arrayValue: compact({ values: (value as readonly AnyValue[]).map(anyValueJson) }) };
  }
  return { kvlistValue: compact({ values: attributesJson(value as Attributes) }) };
}

/** Converts attributes to a list of OTLP/JSON `KeyValue` objects. */
export function attributesJson(attributes: Attributes | undefined): OtlpJson[] {
  if (attributes === undefined) return [];
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValueJson(value) }));
}

/** Lower-case hex of bytes, as OTLP/JSON writes trace and span ids. */
export function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

function resourceJson(resource: Resource): JsonObject {
  return compact({
    attributes: attributesJson(resource.attributes),
    droppedAttributesCount: resource.droppedAttributesCount,
  });
}

function scopeJson(scope: InstrumentationScope): JsonObject {
  return compact({
    name: scope.name,
    version: scope.version,
    attributes: attributesJson(scope.attributes),
    droppedAttributesCount: scope.droppedAttributesCount,
  });
}

function metricJson(metric: Metric): JsonObject {
  const data = metric.data;
  const temporality = 'aggregationTemporality' in data ? (data.aggregationTemporality === 'delta' ? 1 : 2) : undefined;
  const json: JsonObject = compact({ name: metric.name, description: metric.description, unit: metric.unit });
  switch (data.type) {
    case 'gauge':
      json.gauge = compact({ dataPoints: data.dataPoints.map((point) => numberPointJson(point)) });
      break;
    case 'sum':
      json.sum = compact({
        dataPoints: data.dataPoints.map((point) => numberPointJson(point)),
        aggregationTemporality: temporality,
        isMonotonic: data.isMonotonic || undefined,
      });
      break;
    case 'histogram':
      json.histogram = compact({
        dataPoints: data.dataPoints.map((point) =>
          compact({
            ...pointBaseJson(point),
            count: int64Json(point.count),
            sum: doubleJson(point.sum),
            bucketCounts: point.bucketCounts.map(String),
            explicitBounds: point.explicitBounds.map((bound) => doubleJson(bound)),
            min: doubleJson(point.min),
            max: doubleJson(point.max),
          }),
        ),
        aggregationTemporality: temporality,
      });
      break;
    case 'exponential_histogram':
      json.exponentialHistogram = compact({
        dataPoints: data.dataPoints.map((point) =>
          compact({
            ...pointBaseJson(point),
            count: int64Json(point.count),
            sum: doubleJson(point.sum),
            scale: point.scale || undefined,
            zeroCount: int64Json(point.zeroCount),
            positive: bucketsJson(point.positive),
            negative: bucketsJson(point.negative),
            min: doubleJson(point.min),
            max: doubleJson(point.max),
            zeroThreshold: point.zeroThreshold ? doubleJson(point.zeroThreshold) : undefined,
          }),
        ),
        aggregationTemporality: temporality,
      });
      break;
    case 'summary':
      json.summary = compact({
        dataPoints: data.dataPoints.map((point) =>
          compact({
            ...pointBaseJson(point),
            count: int64Json(point.count),
            sum: point.sum === 0 ? undefined : doubleJson(point.sum),
            quantileValues: point.quantileValues.map((quantile) =>
              compact({
                quantile: quantile.quantile === 0 ? undefined : doubleJson(quantile.quantile),
                value: quantile.value === 0 ? undefined : doubleJson(quantile.value),
              }),
            ),
          }),
        ),
      });
      break;
  }
  const metadata = attributesJson(metric.metadata);
  if (metadata.length > 0) json.metadata = metadata;
  return json;
}

function numberPointJson(point: NumberDataPoint): JsonObject {
  const value = point.isInteger ? { asInt: String(Math.trunc(point.value)) } : { asDouble: doubleJson(point.value) };
  return compact({ ...pointBaseJson(point), ...value });
}

function pointBaseJson(point: DataPointBase): JsonObject {
  return compact({
    attributes: attributesJson(point.attributes),
    startTimeUnixNano: timeJson(point.startTimeUnixNano),
    timeUnixNano: timeJson(point.timeUnixNano),
    exemplars: point.exemplars?.map(exemplarJson),
    flags: point.flags || undefined,
  });
}

function exemplarJson(exemplar: Exemplar): JsonObject {
  const value = exemplar.isInteger
    ? { asInt: String(Math.trunc(exemplar.value)) }
    : { asDouble: doubleJson(exemplar.value) };
  return compact({
    filteredAttributes: attributesJson(exemplar.filteredAttributes),
    timeUnixNano: timeJson(exemplar.timeUnixNano),
    ...value,
    spanId: exemplar.spanId?.length ? hex(exemplar.spanId) : undefined,
    traceId: exemplar.traceId?.length ? hex(exemplar.traceId) : undefined,
  });
}

function bucketsJson(buckets: ExponentialBuckets): JsonObject {
  return compact({ offset: buckets.offset || undefined, bucketCounts: buckets.bucketCounts.map(String) });
}

function logRecordJson(record: LogRecord): JsonObject {
  return compact({
    timeUnixNano: timeJson(record.timeUnixNano),
    observedTimeUnixNano: timeJson(record.observedTimeUnixNano),
    severityNumber: record.severityNumber || undefined,
    severityText: record.severityText,
    body: record.body === undefined ? undefined : anyValueJson(record.body),
    attributes: attributesJson(record.attributes),
    droppedAttributesCount: record.droppedAttributesCount,
    flags: record.flags || undefined,
    traceId: record.traceId?.length ? hex(record.traceId) : undefined,
    spanId: record.spanId?.length ? hex(record.spanId) : undefined,
    eventName: record.eventName,
  });
}

function timeJson(nanos: bigint | undefined): string | undefined {
  return nanos === undefined || nanos === 0n ? undefined : nanos.toString();
}

function int64Json(value: number): string | undefined {
  return value === 0 ? undefined : String(value);
}

/** A double as proto3 JSON writes it: NaN and the infinities as strings. */
function doubleJson(value: number): number | string;
function doubleJson(value: number | undefined): number | string | undefined;
function doubleJson(value: number | undefined): number | string | undefined {
  if (value === undefined || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Drops undefined, empty strings, zero counts and empty lists, which proto3 leaves out. */
function compact(object: Record<string, OtlpJson | undefined>): JsonObject {
  const result: JsonObject = {};
  for (const key in object) {
    const value = object[key];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    if (key === 'droppedAttributesCount' && value === 0) continue;
    result[key] = value;
  }
  return result;
}
