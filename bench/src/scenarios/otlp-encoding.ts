// Our OTLP protobuf encoders against the OpenTelemetry JS SDK's own serializers on the same data,
// in the same run: @opentelemetry/otlp-transformer 0.52.1 (protobufjs, the reference figure of the
// design) and 0.223.0 (the newest that works with the installed @opentelemetry/api, hand-written).
// Each side starts from its own in-memory records (our batch model, the SDK's ResourceMetrics /
// ReadableLogRecord) and ends with protobuf bytes. Before measuring, both outputs are decoded and
// compared, so the sides really encode the same data.

import * as transformer052 from '@opentelemetry/otlp-transformer';
import type { LogsBatch, MetricsBatch, NumberDataPoint } from '@wasmpipe/core';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  encodeLogsRequest,
  encodeMetricsRequest,
  logsToOtlpJson,
  metricsToOtlpJson,
} from '@wasmpipe/exporters';
import * as transformerLatest from 'otlp-transformer-latest';
import { alternate, type Comparison, type Scenario } from '../harness.ts';

const POINTS = 10_000;
const POINTS_PER_METRIC = 100;
const RECORDS = 10_000;
/** Each measured run encodes for about this long. */
const RUN_MS = 400;

const START = 1_700_000_000_000_000_000n;
const END = START + 10_000_000_000n;
const toHrTime = (nanos: bigint): [number, number] => [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];

/** 10,000 cumulative sum points with three attributes each, in 100 metrics. */
function ourMetrics(): MetricsBatch {
  const metrics = [];
  for (let first = 0; first < POINTS; first += POINTS_PER_METRIC) {
    const dataPoints: NumberDataPoint[] = [];
    for (let index = first; index < first + POINTS_PER_METRIC; index++) {
      dataPoints.push({
        attributes: {
          'http.request.method': 'GET',
          'http.route': `/route/${index % 50}`,
          'http.response.status_code': 200 + (index % 5),
        },
        startTimeUnixNano: START,
        timeUnixNano: END,
        value: index * 3,
        isInteger: true,
      });
    }
    metrics.push({
      name: `http.server.requests.${first / POINTS_PER_METRIC}`,
      description: 'Requests served.',
      unit: '{request}',
      data: { type: 'sum' as const, aggregationTemporality: 'cumulative' as const, isMonotonic: true, dataPoints },
    });
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'bench', 'host.name': 'bench-host' } },
        scopeMetrics: [{ scope: { name: 'bench-meter', version: '1.0.0' }, metrics }],
      },
    ],
  };
}

/** The same metrics as the SDK's ResourceMetrics (both transformer versions read this shape). */
function sdkMetrics(batch: MetricsBatch): unknown {
  const resourceMetrics = batch.resourceMetrics[0];
  const scopeMetrics = resourceMetrics?.scopeMetrics[0];
  return {
    resource: { attributes: resourceMetrics?.resource.attributes, asyncAttributesPending: false },
    scopeMetrics: [
      {
        scope: scopeMetrics?.scope,
        metrics: scopeMetrics?.metrics.map((metric) => ({
          // valueType 0 = INT; dataPointType 3 = SUM; aggregationTemporality 1 = CUMULATIVE.
          descriptor: {
            name: metric.name,
            description: metric.description,
            unit: metric.unit,
            valueType: 0,
            type: 'COUNTER',
          },
          aggregationTemporality: 1,
          dataPointType: 3,
          isMonotonic: true,
          dataPoints: (metric.data.dataPoints as NumberDataPoint[]).map((point) => ({
            attributes: point.attributes,
            startTime: toHrTime(point.startTimeUnixNano ?? 0n),
            endTime: toHrTime(point.timeUnixNano),
            value: point.value,
          })),
        })),
      },
    ],
  };
}

/** 10,000 log records: a body, a severity, three attributes, trace context. */
function ourLogs(): LogsBatch {
  const traceId = Uint8Array.from({ length: 16 }, (_, index) => index + 1);
  const spanId = Uint8Array.from({ length: 8 }, (_, index) => index + 100);
  const logRecords = Array.from({ length: RECORDS }, (_, index) => ({
    timeUnixNano: START + BigInt(index) * 1_000_000n,
    observedTimeUnixNano: END,
    severityNumber: 9,
    severityText: 'INFO',
    body: `GET /route/${index % 50} HTTP/1.1 200 ${index}`,
    attributes: { 'http.request.method': 'GET', 'url.path': `/route/${index % 50}`, 'http.response.status_code': 200 },
    traceId,
    spanId,
    flags: 1,
  }));
  return {
    resourceLogs: [
      {
        resource: { attributes: { 'service.name': 'bench', 'host.name': 'bench-host' } },
        scopeLogs: [{ scope: { name: 'bench-logger', version: '1.0.0' }, logRecords }],
      },
    ],
  };
}

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');

/** The same records as the SDK's ReadableLogRecords. */
function sdkLogs(batch: LogsBatch): unknown[] {
  const resourceLogs = batch.resourceLogs[0];
  const scopeLogs = resourceLogs?.scopeLogs[0];
  const resource = { attributes: resourceLogs?.resource.attributes, asyncAttributesPending: false };
  const scope = scopeLogs?.scope;
  return (scopeLogs?.logRecords ?? []).map((record) => ({
    hrTime: toHrTime(record.timeUnixNano ?? 0n),
    hrTimeObserved: toHrTime(record.observedTimeUnixNano),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    attributes: record.attributes,
    droppedAttributesCount: 0,
    spanContext: { traceId: hex(record.traceId), spanId: hex(record.spanId), traceFlags: 1 },
    resource,
    instrumentationScope: scope,
  }));
}

type Serialize = (input: unknown) => Uint8Array | undefined;
const peers = {
  metrics: [
    // 0.52.1 takes a list of ResourceMetrics, 0.223.0 one.
    ['otlp-transformer 0.52.1', (input) => transformer052.ProtobufMetricsSerializer.serializeRequest([input] as never)],
    [
      'otlp-transformer 0.223.0',
      (input) => transformerLatest.ProtobufMetricsSerializer.serializeRequest(input as never),
    ],
  ] as [string, Serialize][],
  logs: [
    ['otlp-transformer 0.52.1', (input) => transformer052.ProtobufLogsSerializer.serializeRequest(input as never)],
    ['otlp-transformer 0.223.0', (input) => transformerLatest.ProtobufLogsSerializer.serializeRequest(input as never)],
  ] as [string, Serialize][],
};

/** Items per second of `encode`, run repeatedly for about RUN_MS. */
function throughput(items: number, encode: () => unknown): number {
  let rounds = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    encode();
    rounds++;
    elapsed = performance.now() - started;
  } while (elapsed < RUN_MS);
  return (rounds * items) / (elapsed / 1000);
}

/** Throws unless the peer's bytes decode to the same request as ours. */
function assertSameData(
  signal: 'metrics' | 'logs',
  name: string,
  ours: Uint8Array,
  theirs: Uint8Array | undefined,
): void {
  if (!theirs) throw new Error(`${name} produced nothing.`);
  const same =
    signal === 'metrics'
      ? JSON.stringify(metricsToOtlpJson(decodeMetricsRequest(ours).batch)) ===
        JSON.stringify(metricsToOtlpJson(decodeMetricsRequest(theirs).batch))
      : JSON.stringify(logsToOtlpJson(decodeLogsRequest(ours).batch)) ===
        JSON.stringify(logsToOtlpJson(decodeLogsRequest(theirs).batch));
  if (!same)
    throw new Error(`${name} and our encoder do not encode the same ${signal}; the comparison would mean nothing.`);
}

export const otlpEncoding: Scenario = {
  name: 'otlp-encoding',
  description: `OTLP protobuf encoding, ${POINTS.toLocaleString('en')} sum points (3 attributes each) and ${RECORDS.toLocaleString('en')} log records per request, against the SDK's serializers`,
  async run({ runs }) {
    const comparisons: Comparison[] = [];
    const metrics = ourMetrics();
    const sdkMetricsInput = sdkMetrics(metrics);
    const logs = ourLogs();
    const sdkLogsInput = sdkLogs(logs);
    for (const [name, serialize] of peers.metrics) {
      assertSameData('metrics', name, encodeMetricsRequest(metrics), serialize(sdkMetricsInput));
      const [subject, peer] = await alternate(
        runs,
        async () => throughput(POINTS, () => encodeMetricsRequest(metrics)),
        async () => throughput(POINTS, () => serialize(sdkMetricsInput)),
      );
      comparisons.push({
        metric: `metrics: sum points encoded per second (vs ${name})`,
        unit: 'points/s',
        higherIsBetter: true,
        subject: { name: 'wasmpipe encodeMetricsRequest', runs: subject },
        peer: { name, runs: peer },
      });
    }
    for (const [name, serialize] of peers.logs) {
      assertSameData('logs', name, encodeLogsRequest(logs), serialize(sdkLogsInput));
      const [subject, peer] = await alternate(
        runs,
        async () => throughput(RECORDS, () => encodeLogsRequest(logs)),
        async () => throughput(RECORDS, () => serialize(sdkLogsInput)),
      );
      comparisons.push({
        metric: `logs: records encoded per second (vs ${name})`,
        unit: 'records/s',
        higherIsBetter: true,
        subject: { name: 'wasmpipe encodeLogsRequest', runs: subject },
        peer: { name, runs: peer },
      });
    }
    return comparisons;
  },
};
