// Reads OTLP/JSON (the protobuf JSON mapping the OTLP spec fixes) back into core batches: the
// inverse of otlp-json.ts. It accepts what the spec lets a sender write: lowerCamelCase or the
// original snake_case field names, 64-bit integers as strings or numbers, enums as numbers or
// names, trace and span ids as hex, other bytes as base64. Unknown fields are ignored, as the spec
// asks; a field of the wrong type is an error naming its path, never a silent default.

import type {
  AggregationTemporality,
  AnyValue,
  Attributes,
  DataPointBase,
  Exemplar,
  ExponentialBuckets,
  InstrumentationScope,
  LogRecord,
  LogsBatch,
  Metric,
  MetricData,
  MetricsBatch,
  NumberDataPoint,
  Resource,
} from '@wasmpipe/core';
import { isPlainObject, permanentError } from '@wasmpipe/core';

type JsonObject = Record<string, unknown>;

/** Converts an OTLP/JSON `ExportMetricsServiceRequest` (parsed JSON) to a metrics batch. */
export function metricsFromOtlpJson(json: unknown): MetricsBatch {
  const request = object(json, '');
  return {
    resourceMetrics: list(request, 'resourceMetrics', '').map((entry, index) => {
      const path = `resourceMetrics[${index}]`;
      const resourceMetrics = object(entry, path);
      return withOptional(
        {
          resource: resourceOf(resourceMetrics, path),
          scopeMetrics: list(resourceMetrics, 'scopeMetrics', path).map((scopeEntry, scopeIndex) => {
            const scopePath = `${path}.scopeMetrics[${scopeIndex}]`;
            const scopeMetrics = object(scopeEntry, scopePath);
            return withOptional(
              {
                scope: scopeOf(scopeMetrics, scopePath),
                metrics: list(scopeMetrics, 'metrics', scopePath).map((metric, metricIndex) =>
                  metricOf(metric, `${scopePath}.metrics[${metricIndex}]`),
                ),
              },
              { schemaUrl: optionalString(scopeMetrics, 'schemaUrl', scopePath) },
            );
          }),
        },
        { schemaUrl: optionalString(resourceMetrics, 'schemaUrl', path) },
      );
    }),
  };
}

/** Converts an OTLP/JSON `ExportLogsServiceRequest` (parsed JSON) to a logs batch. */
export function logsFromOtlpJson(json: unknown): LogsBatch {
  const request = object(json, '');
  return {
    resourceLogs: list(request, 'resourceLogs', '').map((entry, index) => {
      const path = `resourceLogs[${index}]`;
      const resourceLogs = object(entry, path);
      return withOptional(
        {
          resource: resourceOf(resourceLogs, path),
          scopeLogs: list(resourceLogs, 'scopeLogs', path).map((scopeEntry, scopeIndex) => {
            const scopePath = `${path}.scopeLogs[${scopeIndex}]`;
            const scopeLogs = object(scopeEntry, scopePath);
            return withOptional(
              {
                scope: scopeOf(scopeLogs, scopePath),
                logRecords: list(scopeLogs, 'logRecords', scopePath).map((record, recordIndex) =>
                  logRecordOf(record, `${scopePath}.logRecords[${recordIndex}]`),
                ),
              },
              { schemaUrl: optionalString(scopeLogs, 'schemaUrl', scopePath) },
            );
          }),
        },
        { schemaUrl: optionalString(resourceLogs, 'schemaUrl', path) },
      );
    }),
  };
}

/** Converts an OTLP/JSON `AnyValue` object to an attribute value; `{}` is null. */
export function anyValueFromJson(json: unknown, path: string): AnyValue {
  const value = object(json, path);
  if (has(value, 'stringValue')) return string(field(value, 'stringValue'), `${path}.stringValue`);
  if (has(value, 'boolValue')) {
    const bool = field(value, 'boolValue');
    if (typeof bool !== 'boolean') throw invalid(`${path}.boolValue`, 'a boolean', bool);
    return bool;
  }
  if (has(value, 'intValue')) return int64(field(value, 'intValue'), `${path}.intValue`);
  if (has(value, 'doubleValue')) return double(field(value, 'doubleValue'), `${path}.doubleValue`);
  if (has(value, 'bytesValue')) return base64(field(value, 'bytesValue'), `${path}.bytesValue`);
  if (has(value, 'arrayValue')) {
    const array = object(field(value, 'arrayValue'), `${path}.arrayValue`);
    return list(array, 'values', `${path}.arrayValue`).map((item, index) =>
      anyValueFromJson(item, `${path}.arrayValue.values[${index}]`),
    );
  }
  if (has(value, 'kvlistValue')) return attributesOf(object(field(value, 'kvlistValue'), path), 'values', path);
  return null;
}

function resourceOf(parent: JsonObject, path: string): Resource {
  const resource = has(parent, 'resource') ? object(field(parent, 'resource'), `${path}.resource`) : {};
  return withOptional(
    { attributes: attributesOf(resource, 'attributes', `${path}.resource`) },
    { droppedAttributesCount: optionalUint(resource, 'droppedAttributesCount', `${path}.resource`) },
  );
}

function scopeOf(parent: JsonObject, path: string): InstrumentationScope {
  const scope = has(parent, 'scope') ? object(field(parent, 'scope'), `${path}.scope`) : {};
  const at = `${path}.scope`;
  const attributes = has(scope, 'attributes') ? attributesOf(scope, 'attributes', at) : undefined;
  return withOptional(
    { name: optionalString(scope, 'name', at) ?? '' },
    {
      version: optionalString(scope, 'version', at),
      attributes,
      droppedAttributesCount: optionalUint(scope, 'droppedAttributesCount', at),
    },
  );
}

function metricOf(json: unknown, path: string): Metric {
  const metric = object(json, path);
  const name = string(field(metric, 'name'), `${path}.name`);
  const metadata = has(metric, 'metadata') ? attributesOf(metric, 'metadata', path) : undefined;
  return withOptional({ name, data: metricDataOf(metric, path) } as Metric, {
    description: optionalString(metric, 'description', path),
    unit: optionalString(metric, 'unit', path),
    metadata: metadata && Object.keys(metadata).length > 0 ? metadata : undefined,
  });
}

function metricDataOf(metric: JsonObject, path: string): MetricData {
  const points = (data: JsonObject, at: string) =>
    list(data, 'dataPoints', at).map((point, index) => object(point, `${at}.dataPoints[${index}]`));
  const pointPath = (at: string, index: number) => `${at}.dataPoints[${index}]`;
  if (has(metric, 'gauge')) {
    const at = `${path}.gauge`;
    const data = object(field(metric, 'gauge'), at);
    return { type: 'gauge', dataPoints: points(data, at).map((point, i) => numberPointOf(point, pointPath(at, i))) };
  }
  if (has(metric, 'sum')) {
    const at = `${path}.sum`;
    const data = object(field(metric, 'sum'), at);
    const monotonic = field(data, 'isMonotonic') ?? false;
    if (typeof monotonic !== 'boolean') throw invalid(`${at}.isMonotonic`, 'a boolean', monotonic);
    return {
      type: 'sum',
      aggregationTemporality: temporalityOf(data, at),
      isMonotonic: monotonic,
      dataPoints: points(data, at).map((point, i) => numberPointOf(point, pointPath(at, i))),
    };
  }
  if (has(metric, 'histogram')) {
    const at = `${path}.histogram`;
    const data = object(field(metric, 'histogram'), at);
    return {
      type: 'histogram',
      aggregationTemporality: temporalityOf(data, at),
      dataPoints: points(data, at).map((point, i) => {
        const pointAt = pointPath(at, i);
        return withOptional(
          {
            ...pointBaseOf(point, pointAt),
            count: uint64Number(field(point, 'count') ?? 0, `${pointAt}.count`),
            bucketCounts: numbers(point, 'bucketCounts', pointAt, uint64Number),
            explicitBounds: numbers(point, 'explicitBounds', pointAt, double),
          },
          {
            sum: optionalDouble(point, 'sum', pointAt),
            min: optionalDouble(point, 'min', pointAt),
            max: optionalDouble(point, 'max', pointAt),
          },
        );
      }),
    };
  }
  if (has(metric, 'exponentialHistogram')) {
    const at = `${path}.exponentialHistogram`;
    const data = object(field(metric, 'exponentialHistogram'), at);
    return {
      type: 'exponential_histogram',
      aggregationTemporality: temporalityOf(data, at),
      dataPoints: points(data, at).map((point, i) => {
        const pointAt = pointPath(at, i);
        return withOptional(
          {
            ...pointBaseOf(point, pointAt),
            count: uint64Number(field(point, 'count') ?? 0, `${pointAt}.count`),
            scale: integer(field(point, 'scale') ?? 0, `${pointAt}.scale`),
            zeroCount: uint64Number(field(point, 'zeroCount') ?? 0, `${pointAt}.zeroCount`),
            positive: bucketsOf(point, 'positive', pointAt),
            negative: bucketsOf(point, 'negative', pointAt),
          },
          {
            sum: optionalDouble(point, 'sum', pointAt),
            min: optionalDouble(point, 'min', pointAt),
            max: optionalDouble(point, 'max', pointAt),
            zeroThreshold: optionalDouble(point, 'zeroThreshold', pointAt),
          },
        );
      }),
    };
  }
  if (has(metric, 'summary')) {
    const at = `${path}.summary`;
    const data = object(field(metric, 'summary'), at);
    return {
      type: 'summary',
      dataPoints: points(data, at).map((point, i) => {
        const pointAt = pointPath(at, i);
        return {
          ...pointBaseOf(point, pointAt),
          count: uint64Number(field(point, 'count') ?? 0, `${pointAt}.count`),
          sum: double(field(point, 'sum') ?? 0, `${pointAt}.sum`),
          quantileValues: list(point, 'quantileValues', pointAt).map((entry, index) => {
            const quantileAt = `${pointAt}.quantileValues[${index}]`;
            const quantile = object(entry, quantileAt);
            return {
              quantile: double(field(quantile, 'quantile') ?? 0, `${quantileAt}.quantile`),
              value: double(field(quantile, 'value') ?? 0, `${quantileAt}.value`),
            };
          }),
        };
      }),
    };
  }
  throw permanentError(
    `${path}: the metric has no data; expected one of gauge, sum, histogram, exponentialHistogram, summary.`,
  );
}

function numberPointOf(point: JsonObject, path: string): NumberDataPoint {
  const base = pointBaseOf(point, path);
  if (has(point, 'asInt')) {
    const value = int64(field(point, 'asInt'), `${path}.asInt`);
    return { ...base, value: Number(value), isInteger: true };
  }
  return { ...base, value: has(point, 'asDouble') ? double(field(point, 'asDouble'), `${path}.asDouble`) : 0 };
}

function pointBaseOf(point: JsonObject, path: string): DataPointBase {
  const flags = optionalUint(point, 'flags', path);
  const exemplars = has(point, 'exemplars')
    ? list(point, 'exemplars', path).map((exemplar, index) => exemplarOf(exemplar, `${path}.exemplars[${index}]`))
    : [];
  return withOptional(
    {
      attributes: attributesOf(point, 'attributes', path),
      timeUnixNano: optionalTime(point, 'timeUnixNano', path) ?? 0n,
    },
    {
      startTimeUnixNano: optionalTime(point, 'startTimeUnixNano', path),
      flags: flags === 0 ? undefined : flags,
      exemplars: exemplars.length > 0 ? exemplars : undefined,
    },
  );
}

function exemplarOf(json: unknown, path: string): Exemplar {
  const exemplar = object(json, path);
  const isInteger = has(exemplar, 'asInt');
  const value = isInteger
    ? Number(int64(field(exemplar, 'asInt'), `${path}.asInt`))
    : has(exemplar, 'asDouble')
      ? double(field(exemplar, 'asDouble'), `${path}.asDouble`)
      : 0;
  return withOptional(
    {
      filteredAttributes: attributesOf(exemplar, 'filteredAttributes', path),
      timeUnixNano: optionalTime(exemplar, 'timeUnixNano', path) ?? 0n,
      value,
    },
    {
      isInteger: isInteger || undefined,
      spanId: optionalId(exemplar, 'spanId', path),
      traceId: optionalId(exemplar, 'traceId', path),
    },
  );
}

function bucketsOf(point: JsonObject, key: string, path: string): ExponentialBuckets {
  if (!has(point, key)) return { offset: 0, bucketCounts: [] };
  const at = `${path}.${key}`;
  const buckets = object(field(point, key), at);
  return {
    offset: integer(field(buckets, 'offset') ?? 0, `${at}.offset`),
    bucketCounts: numbers(buckets, 'bucketCounts', at, uint64Number),
  };
}

function logRecordOf(json: unknown, path: string): LogRecord {
  const record = object(json, path);
  const severity = field(record, 'severityNumber');
  const flags = optionalUint(record, 'flags', path);
  return withOptional(
    {
      observedTimeUnixNano: optionalTime(record, 'observedTimeUnixNano', path) ?? 0n,
      attributes: attributesOf(record, 'attributes', path),
    },
    {
      timeUnixNano: optionalTime(record, 'timeUnixNano', path),
      severityNumber: severity === undefined ? undefined : severityOf(severity, `${path}.severityNumber`) || undefined,
      severityText: optionalString(record, 'severityText', path),
      body: has(record, 'body') ? anyValueFromJson(field(record, 'body'), `${path}.body`) : undefined,
      droppedAttributesCount: optionalUint(record, 'droppedAttributesCount', path),
      flags: flags === 0 ? undefined : flags,
      traceId: optionalId(record, 'traceId', path),
      spanId: optionalId(record, 'spanId', path),
      eventName: optionalString(record, 'eventName', path),
    },
  );
}

const TEMPORALITIES: Record<string, AggregationTemporality | undefined> = {
  '1': 'delta',
  '2': 'cumulative',
  AGGREGATION_TEMPORALITY_DELTA: 'delta',
  AGGREGATION_TEMPORALITY_CUMULATIVE: 'cumulative',
};

function temporalityOf(data: JsonObject, path: string): AggregationTemporality {
  const value = field(data, 'aggregationTemporality');
  // OTLP leaves "unspecified" to the receiver; cumulative is what the core model assumes then.
  if (value === undefined || value === 0 || value === 'AGGREGATION_TEMPORALITY_UNSPECIFIED') return 'cumulative';
  const temporality = TEMPORALITIES[String(value)];
  if (!temporality) throw invalid(`${path}.aggregationTemporality`, '1 (delta) or 2 (cumulative)', value);
  return temporality;
}

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function severityOf(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 24) return value;
  if (typeof value === 'string') {
    const match = /^SEVERITY_NUMBER_(?:(UNSPECIFIED)|([A-Z]+)([2-4])?)$/.exec(value);
    const base = match?.[2] ? SEVERITY_NAMES.indexOf(match[2]) : -1;
    if (match?.[1]) return 0;
    if (base >= 0) return base * 4 + Number(match?.[3] ?? 1);
  }
  throw invalid(path, 'a severity number 0-24 or a SEVERITY_NUMBER_* name', value);
}

function attributesOf(parent: JsonObject, key: string, path: string): Attributes {
  const attributes: Attributes = {};
  if (!has(parent, key)) return attributes;
  list(parent, key, path).forEach((entry, index) => {
    const at = `${path}.${key}[${index}]`;
    const keyValue = object(entry, at);
    const name = string(field(keyValue, 'key'), `${at}.key`);
    attributes[name] = has(keyValue, 'value') ? anyValueFromJson(field(keyValue, 'value'), `${at}.value`) : null;
  });
  return attributes;
}

// --- field access: camelCase first, then the proto field's snake_case name ---

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function field(object: JsonObject, key: string): unknown {
  const value = object[key];
  return value !== undefined ? value : object[snakeCase(key)];
}

function has(object: JsonObject, key: string): boolean {
  const value = field(object, key);
  return value !== undefined && value !== null;
}

function object(value: unknown, path: string): JsonObject {
  if (!isPlainObject(value)) throw invalid(path || 'the request', 'an object', value);
  return value;
}

function list(parent: JsonObject, key: string, path: string): unknown[] {
  const value = field(parent, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(path ? `${path}.${key}` : key, 'a list', value);
  return value;
}

function numbers(parent: JsonObject, key: string, path: string, read: (value: unknown, path: string) => number) {
  return list(parent, key, path).map((value, index) => read(value, `${path}.${key}[${index}]`));
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(path, 'a string', value);
  return value;
}

function optionalString(parent: JsonObject, key: string, path: string): string | undefined {
  const value = field(parent, key);
  if (value === undefined || value === null || value === '') return undefined;
  return string(value, `${path}.${key}`);
}

/** A JSON int64 (string or number) as a number when it is exact, else a bigint. */
function int64(value: unknown, path: string): number | bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : BigInt(value);
  }
  throw invalid(path, 'an integer (a number or a decimal string)', value);
}

function integer(value: unknown, path: string): number {
  return Number(int64(value, path));
}

function uint64Number(value: unknown, path: string): number {
  const number = Number(int64(value, path));
  if (number < 0) throw invalid(path, 'an unsigned integer', value);
  return number;
}

function optionalUint(parent: JsonObject, key: string, path: string): number | undefined {
  const value = field(parent, key);
  if (value === undefined || value === null) return undefined;
  const number = uint64Number(value, `${path}.${key}`);
  return key === 'droppedAttributesCount' && number === 0 ? undefined : number;
}

function double(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw invalid(path, 'a number', value);
}

function optionalDouble(parent: JsonObject, key: string, path: string): number | undefined {
  const value = field(parent, key);
  return value === undefined || value === null ? undefined : double(value, `${path}.${key}`);
}

function optionalTime(parent: JsonObject, key: string, path: string): bigint | undefined {
  const value = field(parent, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  throw invalid(`${path}.${key}`, 'unix nanoseconds (a decimal string or a number)', value);
}

function optionalId(parent: JsonObject, key: string, path: string): Uint8Array | undefined {
  const value = field(parent, key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(value)) {
    throw invalid(`${path}.${key}`, 'hexadecimal bytes', value);
  }
  const bytes = new Uint8Array(value.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    bytes[index] = Number.parseInt(value.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

function base64(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalid(path, 'base64', value);
  const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function invalid(path: string, expected: string, value: unknown): Error {
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : JSON.stringify(value)?.slice(0, 40);
  return permanentError(`${path}: expected ${expected}, got ${shown ?? typeof value}.`);
}

/** Adds the optional fields that are present, so absent ones stay absent rather than undefined. */
function withOptional<T extends object>(required: T, optional: Record<string, unknown>): T {
  const result = required as Record<string, unknown>;
  for (const key in optional) if (optional[key] !== undefined) result[key] = optional[key];
  return required;
}
