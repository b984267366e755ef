// Parses OTLP/JSON export requests (metrics and logs) into core batches; the counterpart of
// otlp-json.ts. Leaves out and reports as rejected what the protobuf decoders do.

import type {
  AggregationTemporality,
  DataPointBase,
  Exemplar,
  ExponentialBuckets,
  LogRecord,
  LogsBatch,
  Metric,
  MetricsBatch,
  NumberDataPoint,
} from '@wasmpipe/core';
import type { DecodedLogs } from './decode-logs.ts';
import { idProblem } from './decode-logs.ts';
import type { DecodedMetrics } from './decode-metrics.ts';
import {
  anyValueAt,
  attributesAt,
  booleanAt,
  doubleAt,
  enumAt,
  field,
  hexBytesAt,
  int32At,
  int64NumberAt,
  type JsonObject,
  listAt,
  objectAt,
  parseJsonText,
  resourceAt,
  scopeAt,
  stringAt,
  timeAt,
  uint32At,
} from './parse-otlp-json-common.ts';
import { Rejections } from './rejections.ts';

const TEMPORALITY = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
} as const;

const SEVERITY: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
for (const [index, name] of ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].entries()) {
  for (let step = 0; step < 4; step++)
    SEVERITY[`SEVERITY_NUMBER_${name}${step === 0 ? '' : step + 1}`] = index * 4 + step + 1;
}

/** Parses an OTLP/JSON `ExportMetricsServiceRequest` (text or UTF-8 bytes); throws `OtlpDecodeError` when invalid. */
export function parseMetricsJson(input: string | Uint8Array): DecodedMetrics {
  const root = parseJsonText(typeof input === 'string' ? input : new TextDecoder().decode(input));
  const rejections = new Rejections();
  const batch: MetricsBatch = {
    resourceMetrics: listAt(field(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics').map(
      (item, resourceIndex) => {
        const path = `resourceMetrics[${resourceIndex}]`;
        const object = objectAt(item, path);
        return withSchemaUrl(object, path, {
          resource: resourceAt(field(object, 'resource'), `${path}.resource`),
          scopeMetrics: listAt(field(object, 'scopeMetrics', 'scope_metrics'), `${path}.scopeMetrics`).map(
            (scopeItem, scopeIndex) => {
              const scopePath = `${path}.scopeMetrics[${scopeIndex}]`;
              const scopeObject = objectAt(scopeItem, scopePath);
              const metrics: Metric[] = [];
              listAt(field(scopeObject, 'metrics'), `${scopePath}.metrics`).forEach((metricItem, metricIndex) => {
                const metric = metricAt(metricItem, `${scopePath}.metrics[${metricIndex}]`, rejections);
                if (metric !== undefined) metrics.push(metric);
              });
              return withSchemaUrl(scopeObject, scopePath, {
                scope: scopeAt(field(scopeObject, 'scope'), `${scopePath}.scope`),
                metrics,
              });
            },
          ),
        });
      },
    ),
  };
  return { batch, rejections };
}

/** Parses an OTLP/JSON `ExportLogsServiceRequest` (text or UTF-8 bytes); throws `OtlpDecodeError` when invalid. */
export function parseLogsJson(input: string | Uint8Array): DecodedLogs {
  const root = parseJsonText(typeof input === 'string' ? input : new TextDecoder().decode(input));
  const rejections = new Rejections();
  const batch: LogsBatch = {
    resourceLogs: listAt(field(root, 'resourceLogs', 'resource_logs'), 'resourceLogs').map((item, resourceIndex) => {
      const path = `resourceLogs[${resourceIndex}]`;
      const object = objectAt(item, path);
      return withSchemaUrl(object, path, {
        resource: resourceAt(field(object, 'resource'), `${path}.resource`),
        scopeLogs: listAt(field(object, 'scopeLogs', 'scope_logs'), `${path}.scopeLogs`).map(
          (scopeItem, scopeIndex) => {
            const scopePath = `${path}.scopeLogs[${scopeIndex}]`;
            const scopeObject = objectAt(scopeItem, scopePath);
            const logRecords: LogRecord[] = [];
            listAt(field(scopeObject, 'logRecords', 'log_records'), `${scopePath}.logRecords`).forEach(
              (record, index) => {
                const parsed = logRecordAt(record, `${scopePath}.logRecords[${index}]`);
                const problem = idProblem(parsed);
                if (problem === undefined) logRecords.push(parsed);
                else rejections.add(1, problem);
              },
            );
            return withSchemaUrl(scopeObject, scopePath, {
              scope: scopeAt(field(scopeObject, 'scope'), `${scopePath}.scope`),
              logRecords,
            });
          },
        ),
      });
    }),
  };
  return { batch, rejections };
}

function withSchemaUrl<T extends object>(object: JsonObject, path: string, target: T): T & { schemaUrl?: string } {
  const schemaUrl = stringAt(field(object, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`);
  return schemaUrl === undefined ? target : { ...target, schemaUrl };
}

const DATA_KINDS = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
] as const;

function metricAt(value: unknown, path: string, rejections: Rejections): Metric | undefined {
  const object = objectAt(value, path);
  const name = stringAt(field(object, 'name'), `${path}.name`) ?? '';
  const kind = DATA_KINDS.filter(([camel, snake]) => field(object, camel, snake) !== undefined).at(-1);
  if (kind === undefined) {
    rejections.add(0, `metric "${name}" has no data and was dropped`);
    return undefined;
  }
  const [camel, snake] = kind;
  const dataPath = `${path}.${camel}`;
  const data = objectAt(field(object, camel, snake), dataPath);
  const points = listAt(field(data, 'dataPoints', 'data_points'), `${dataPath}.dataPoints`);
  const pointPath = (index: number) => `${dataPath}.dataPoints[${index}]`;
  let temporality: AggregationTemporality = 'cumulative';
  if (snake !== 'gauge' && snake !== 'summary') {
    const number = enumAt(
      field(data, 'aggregationTemporality', 'aggregation_temporality'),
      `${dataPath}.aggregationTemporality`,
      TEMPORALITY,
    );
    if (number !== 1 && number !== 2) {
      rejections.add(points.length, `metric "${name}" has no aggregation temporality`);
      return undefined;
    }
    temporality = number === 1 ? 'delta' : 'cumulative';
  }
  const metric: Metric = { name, data: { type: 'gauge', dataPoints: [] } };
  switch (snake) {
    case 'gauge':
      metric.data = { type: 'gauge', dataPoints: points.map((point, index) => numberPointAt(point, pointPath(index))) };
      break;
    case 'sum':
      metric.data = {
        type: 'sum',
        aggregationTemporality: temporality,
        isMonotonic: booleanAt(field(data, 'isMonotonic', 'is_monotonic'), `${dataPath}.isMonotonic`),
        dataPoints: points.map((point, index) => numberPointAt(point, pointPath(index))),
      };
      break;
    case 'histogram': {
      const dataPoints = [];
      for (const [index, item] of points.entries()) {
        const at = pointPath(index);
        const point = objectAt(item, at);
        const bucketCounts = listAt(field(point, 'bucketCounts', 'bucket_counts'), `${at}.bucketCounts`).map(
          (count, countIndex) => int64NumberAt(count, `${at}.bucketCounts[${countIndex}]`),
        );
        const explicitBounds = listAt(field(point, 'explicitBounds', 'explicit_bounds'), `${at}.explicitBounds`).map(
          (bound, boundIndex) => doubleAt(bound, `${at}.explicitBounds[${boundIndex}]`) as number,
        );
        if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
          rejections.add(
            1,
            `histogram "${name}" has a data point with ${bucketCounts.length} bucket counts for ${explicitBounds.length} bounds`,
          );
          continue;
        }
        dataPoints.push(
          optionalDoubles(point, at, {
            ...pointBaseAt(point, at, 'exemplars'),
            count: int64NumberAt(field(point, 'count'), `${at}.count`),
            bucketCounts,
            explicitBounds,
          }),
        );
      }
      metric.data = { type: 'histogram', aggregationTemporality: temporality, dataPoints };
      break;
    }
    case 'exponential_histogram':
      metric.data = {
        type: 'exponential_histogram',
        aggregationTemporality: temporality,
        dataPoints: points.map((item, index) => {
          const at = pointPath(index);
          const point = objectAt(item, at);
          const result = optionalDoubles(point, at, {
            ...pointBaseAt(point, at, 'exemplars'),
            count: int64NumberAt(field(point, 'count'), `${at}.count`),
            scale: int32At(field(point, 'scale'), `${at}.scale`),
            zeroCount: int64NumberAt(field(point, 'zeroCount', 'zero_count'), `${at}.zeroCount`),
            positive: bucketsAt(field(point, 'positive'), `${at}.positive`),
            negative: bucketsAt(field(point, 'negative'), `${at}.negative`),
          });
          const threshold = doubleAt(field(point, 'zeroThreshold', 'zero_threshold'), `${at}.zeroThreshold`);
          return threshold ? { ...result, zeroThreshold: threshold } : result;
        }),
      };
      break;
    case 'summary':
      metric.data = {
        type: 'summary',
        dataPoints: points.map((item, index) => {
          const at = pointPath(index);
          const point = objectAt(item, at);
          return {
            ...pointBaseAt(point, at),
            count: int64NumberAt(field(point, 'count'), `${at}.count`),
            sum: doubleAt(field(point, 'sum'), `${at}.sum`) ?? 0,
            quantileValues: listAt(field(point, 'quantileValues', 'quantile_values'), `${at}.quantileValues`).map(
              (quantileItem, quantileIndex) => {
                const quantilePath = `${at}.quantileValues[${quantileIndex}]`;
                const quantile = objectAt(quantileItem, quantilePath);
                return {
                  quantile: doubleAt(field(quantile, 'quantile'), `${quantilePath}.quantile`) ?? 0,
                  value: doubleAt(field(quantile, 'value'), `${quantilePath}.value`) ?? 0,
                };
              },
            ),
          };
        }),
      };
      break;
  }
  const description = stringAt(field(object, 'description'), `${path}.description`);
  if (description !== undefined) metric.description = description;
  const unit = stringAt(field(object, 'unit'), `${path}.unit`);
  if (unit !== undefined) metric.unit = unit;
  const metadata = field(object, 'metadata');
  if (metadata !== undefined) metric.metadata = attributesAt(metadata, `${path}.metadata`);
  return metric;
}

function pointBaseAt(point: JsonObject, path: string, exemplarsKey = 'exemplars'): DataPointBase {
  const base: DataPointBase = {
    attributes: attributesAt(field(point, 'attributes'), `${path}.attributes`),
    timeUnixNano: timeAt(field(point, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
  };
  const start = field(point, 'startTimeUnixNano', 'start_time_unix_nano');
  if (start !== undefined) base.startTimeUnixNano = timeAt(start, `${path}.startTimeUnixNano`);
  const flags = uint32At(field(point, 'flags'), `${path}.flags`);
  if (flags !== 0) base.flags = flags;
  const exemplars = field(point, exemplarsKey);
  if (exemplars !== undefined) {
    base.exemplars = listAt(exemplars, `${path}.exemplars`).map((item, index) =>
      exemplarAt(item, `${path}.exemplars[${index}]`),
    );
  }
  return base;
}

function numberPointAt(value: unknown, path: string): NumberDataPoint {
  const point = objectAt(value, path);
  return { ...pointBaseAt(point, path), ...numberValueAt(point, path) };
}

/** The `as_int` / `as_double` oneof; the later key wins, as it would in protobuf. */
function numberValueAt(object: JsonObject, path: string): { value: number; isInteger?: true } {
  let result: { value: number; isInteger?: true } = { value: 0 };
  for (const key in object) {
    if (object[key] === null) continue;
    if (key === 'asInt' || key === 'as_int')
      result = { value: int64NumberAt(object[key], `${path}.asInt`), isInteger: true };
    if (key === 'asDouble' || key === 'as_double')
      result = { value: doubleAt(object[key], `${path}.asDouble`) as number };
  }
  return result;
}

function exemplarAt(value: unknown, path: string): Exemplar {
  const object = objectAt(value, path);
  const exemplar: Exemplar = {
    filteredAttributes: attributesAt(
      field(object, 'filteredAttributes', 'filtered_attributes'),
      `${path}.filteredAttributes`,
    ),
    timeUnixNano: timeAt(field(object, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
    ...numberValueAt(object, path),
  };
  const spanId = hexBytesAt(field(object, 'spanId', 'span_id'), `${path}.spanId`);
  if (spanId !== undefined) exemplar.spanId = spanId;
  const traceId = hexBytesAt(field(object, 'traceId', 'trace_id'), `${path}.traceId`);
  if (traceId !== undefined) exemplar.traceId = traceId;
  return exemplar;
}

/** Adds the proto3 `optional double` fields sum, min and max when present. */
function optionalDoubles<T extends object>(
  point: JsonObject,
  path: string,
  target: T,
): T & { sum?: number; min?: number; max?: number } {
  const result: T & { sum?: number; min?: number; max?: number } = target;
  for (const key of ['sum', 'min', 'max'] as const) {
    const value = doubleAt(field(point, key), `${path}.${key}`);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function bucketsAt(value: unknown, path: string): ExponentialBuckets {
  const object = objectAt(value, path);
  return {
    offset: int32At(field(object, 'offset'), `${path}.offset`),
    bucketCounts: listAt(field(object, 'bucketCounts', 'bucket_counts'), `${path}.bucketCounts`).map((count, index) =>
      int64NumberAt(count, `${path}.bucketCounts[${index}]`),
    ),
  };
}

function logRecordAt(value: unknown, path: string): LogRecord {
  const object = objectAt(value, path);
  const record: LogRecord = {
    observedTimeUnixNano: timeAt(
      field(object, 'observedTimeUnixNano', 'observed_time_unix_nano'),
      `${path}.observedTimeUnixNano`,
    ),
    attributes: attributesAt(field(object, 'attributes'), `${path}.attributes`),
  };
  const time = field(object, 'timeUnixNano', 'time_unix_nano');
  if (time !== undefined) record.timeUnixNano = timeAt(time, `${path}.timeUnixNano`);
  const severity = enumAt(field(object, 'severityNumber', 'severity_number'), `${path}.severityNumber`, SEVERITY);
  if (severity !== 0) record.severityNumber = severity;
  const severityText = stringAt(field(object, 'severityText', 'severity_text'), `${path}.severityText`);
  if (severityText !== undefined) record.severityText = severityText;
  const body = field(object, 'body');
  if (body !== undefined) record.body = anyValueAt(body, `${path}.body`);
  const dropped = uint32At(
    field(object, 'droppedAttributesCount', 'dropped_attributes_count'),
    `${path}.droppedAttributesCount`,
  );
  if (dropped !== 0) record.droppedAttributesCount = dropped;
  const flags = uint32At(field(object, 'flags'), `${path}.flags`);
  if (flags !== 0) record.flags = flags;
  const traceId = hexBytesAt(field(object, 'traceId', 'trace_id'), `${path}.traceId`);
  if (traceId !== undefined) record.traceId = traceId;
  const spanId = hexBytesAt(field(object, 'spanId', 'span_id'), `${path}.spanId`);
  if (spanId !== undefined) record.spanId = spanId;
  const eventName = stringAt(field(object, 'eventName', 'event_name'), `${path}.eventName`);
  if (eventName !== undefined) record.eventName = eventName;
  return record;
}
