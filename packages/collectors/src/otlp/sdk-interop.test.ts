// The OpenTelemetry JS SDK (sdk-metrics 2.12, sdk-logs 0.223, the newest that work with the
// installed @opentelemetry/api 1.9) sends to our receiver through each of its own OTLP exporters:
// http/protobuf, http/json and grpc. What arrives must be what the SDK recorded.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { LogRecord, Metric, MetricsBatch } from '@wasmpipe/core';
import { type ReceiverHarness, startReceiver, waitFor } from './receiver-harness.ts';

const resource = () => resourceFromAttributes({ 'service.name': 'interop', 'service.instance.id': 'instance-1' });

/** Records one of every instrument kind through the SDK and exports it once. */
async function recordMetrics(exporter: PushMetricExporter): Promise<void> {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({
    resource: resource(),
    readers: [reader],
    views: [{ instrumentName: 'payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('interop-meter', '1.0.0');
  const requests = meter.createCounter('http.requests', { unit: '{request}', description: 'Requests served.' });
  requests.add(5, { route: '/a', code: 200, cached: true, tags: ['x', 'y'] });
  requests.add(2, { route: '/b', code: 404, cached: false, tags: [] });
  requests.add(1, { route: '/a', code: 200, cached: true, tags: ['x', 'y'] });
  const queue = meter.createUpDownCounter('queue.size');
  queue.add(10);
  queue.add(-3);
  const duration = meter.createHistogram('http.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 1] },
  });
  for (const value of [0.05, 0.2, 2]) duration.record(value, { route: '/a' });
  const size = meter.createHistogram('payload.size', { unit: 'By' });
  for (const value of [1, 10, 100, 1000]) size.record(value);
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'a' });
  meter.createObservableGauge('cpu.load').addCallback((result) => result.observe(0.75, { cpu: 0 }));
  await provider.forceFlush();
  await provider.shutdown();
}

/** Emits two log records through the SDK and flushes them. */
async function emitLogs(exporter: LogRecordExporter): Promise<void> {
  const provider = new LoggerProvider({
    resource: resource(),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('interop-logger', '2.0.0');
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'Disk almost full.',
    attributes: { 'disk.free': 1024, path: '/var', ratio: 0.05 },
    timestamp: new Date('2024-05-01T12:00:00Z'),
  });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    body: { event: 'login', user: { id: 7, admin: false }, roles: ['a', 'b'] },
  });
  await provider.forceFlush();
  await provider.shutdown();
}

function metric(batches: readonly MetricsBatch[], name: string): Metric {
  for (const batch of batches) {
    for (const resourceMetrics of batch.resourceMetrics) {
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        const found = scopeMetrics.metrics.find((candidate) => candidate.name === name);
        if (found) return found;
      }
    }
  }
  assert.fail(`no metric ${name} arrived`);
}

function assertMetrics(harness: ReceiverHarness, temporality: 'cumulative' | 'delta'): void {
  const [first] = harness.metrics;
  const resourceMetrics = first?.resourceMetrics[0];
  assert.deepEqual(resourceMetrics?.resource.attributes, {
    'service.name': 'interop',
    'service.instance.id': 'instance-1',
  });
  assert.deepEqual(resourceMetrics?.scopeMetrics[0]?.scope, { name: 'interop-meter', version: '1.0.0' });

  const requests = metric(harness.metrics, 'http.requests');
  assert.equal(requests.unit, '{request}');
  assert.equal(requests.description, 'Requests served.');
  assert.equal(requests.data.type, 'sum');
  if (requests.data.type !== 'sum') return;
  assert.equal(requests.data.isMonotonic, true);
  assert.equal(requests.data.aggregationTemporality, temporality);
  const byRoute = Object.fromEntries(requests.data.dataPoints.map((point) => [point.attributes.route, point]));
  assert.equal(byRoute['/a']?.value, 6);
  assert.equal(byRoute['/a']?.isInteger, undefined, 'the SDK counts in doubles unless told otherwise');
  assert.deepEqual(byRoute['/a']?.attributes, { route: '/a', code: 200, cached: true, tags: ['x', 'y'] });
  assert.equal(byRoute['/b']?.value, 2);
  assert.ok((byRoute['/a']?.startTimeUnixNano ?? 0n) > 0n && (byRoute['/a']?.timeUnixNano ?? 0n) > 0n);

  const queue = metric(harness.metrics, 'queue.size');
  assert.ok(queue.data.type === 'sum' && !queue.data.isMonotonic);
  assert.equal(queue.data.dataPoints[0]?.value, 7);

  const duration = metric(harness.metrics, 'http.duration');
  assert.equal(duration.data.type, 'histogram');
  if (duration.data.type !== 'histogram') return;
  const histogram = duration.data.dataPoints[0];
  assert.deepEqual(
    { count: histogram?.count, sum: histogram?.sum, min: histogram?.min, max: histogram?.max },
    { count: 3, sum: 2.25, min: 0.05, max: 2 },
  );
  assert.deepEqual(histogram?.explicitBounds, [0.1, 1]);
  assert.deepEqual(histogram?.bucketCounts, [1, 1, 1]);

  const size = metric(harness.metrics, 'payload.size');
  assert.equal(size.data.type, 'exponential_histogram');
  if (size.data.type !== 'exponential_histogram') return;
  const exponential = size.data.dataPoints[0];
  assert.equal(exponential?.count, 4);
  assert.equal(exponential?.sum, 1111);
  assert.equal(
    exponential?.positive.bucketCounts.reduce((total, count) => total + count, 0),
    4 - (exponential?.zeroCount ?? 0),
  );

  const temperature = metric(harness.metrics, 'temperature');
  assert.equal(temperature.data.type, 'gauge');
  assert.deepEqual(
    temperature.data.dataPoints.map((point) => [point.attributes, (point as { value: number }).value]),
    [[{ room: 'a' }, 21.5]],
  );
  assert.equal((metric(harness.metrics, 'cpu.load').data.dataPoints[0] as { value: number }).value, 0.75);
}

function assertLogs(harness: ReceiverHarness): void {
  const resourceLogs = harness.logs[0]?.resourceLogs[0];
  assert.equal(resourceLogs?.resource.attributes['service.instance.id'], 'instance-1');
  const scopeLogs = resourceLogs?.scopeLogs[0];
  assert.deepEqual(scopeLogs?.scope, { name: 'interop-logger', version: '2.0.0' });
  const [warning, login] = scopeLogs?.logRecords ?? [];
  assert.deepEqual({ ...warning, observedTimeUnixNano: undefined } as Partial<LogRecord>, {
    timeUnixNano: BigInt(Date.parse('2024-05-01T12:00:00Z')) * 1_000_000n,
    observedTimeUnixNano: undefined,
    severityNumber: 13,
    severityText: 'WARN',
    body: 'Disk almost full.',
    attributes: { 'disk.free': 1024, path: '/var', ratio: 0.05 },
  });
  assert.ok((warning?.observedTimeUnixNano ?? 0n) > 0n);
  assert.equal(login?.severityNumber, 9);
  assert.deepEqual(login?.body, { event: 'login', user: { id: 7, admin: false }, roles: ['a', 'b'] });
}

describe('the OpenTelemetry JS SDK sends to our receiver', () => {
  let harness: ReceiverHarness;
  before(async () => {
    harness = await startReceiver();
  });
  after(() => harness.close());

  const reset = () => {
    harness.metrics.length = 0;
    harness.logs.length = 0;
  };

  test('over http/protobuf', async () => {
    reset();
    await recordMetrics(new ProtoMetricExporter({ url: `${harness.httpUrl}/v1/metrics` }));
    await emitLogs(new ProtoLogExporter({ url: `${harness.httpUrl}/v1/logs` }));
    await waitFor(() => harness.metrics.length > 0 && harness.logs.length > 0, 10_000, 'the SDK data');
    assertMetrics(harness, 'cumulative');
    assertLogs(harness);
  });

  test('over http/json', async () => {
    reset();
    await recordMetrics(new JsonMetricExporter({ url: `${harness.httpUrl}/v1/metrics` }));
    await emitLogs(new JsonLogExporter({ url: `${harness.httpUrl}/v1/logs` }));
    await waitFor(() => harness.metrics.length > 0 && harness.logs.length > 0, 10_000, 'the SDK data');
    assertMetrics(harness, 'cumulative');
    assertLogs(harness);
  });

  test('over grpc, with delta temporality and gzip', async () => {
    reset();
    await recordMetrics(
      new GrpcMetricExporter({
        url: `http://${harness.grpcAddress}`,
        compression: 'gzip' as never,
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
    );
    await emitLogs(new GrpcLogExporter({ url: `http://${harness.grpcAddress}` }));
    await waitFor(() => harness.metrics.length > 0 && harness.logs.length > 0, 10_000, 'the SDK data');
    assertMetrics(harness, 'delta');
    assertLogs(harness);
  });

  test('nothing was refused', () => {
    for (const signal of ['metrics', 'logs'] as const) {
      assert.equal(harness.count('wasmpipe.collector.refused_requests', signal), 0);
      assert.equal(harness.count('wasmpipe.collector.refused', signal), 0);
    }
  });
});
