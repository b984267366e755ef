import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { createTestContext, tinyLogsBatch, tinyMetricsBatch } from '../testing/create-context.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/sample-batches.ts';
import { type DebugConfig, debugConfig } from './config.ts';
import { DebugExporter } from './exporter.ts';
import { defineDebugExporter } from './factory.ts';
import { formatTime, severityName } from './format-value.ts';

function capture(config: Partial<DebugConfig>): { exporter: DebugExporter; lines: string[] } {
  const problems: Problem[] = [];
  const parsed = debugConfig.parse(config, 'exporters.debug', problems);
  assert.deepEqual(problems, []);
  const lines: string[] = [];
  return { exporter: new DebugExporter(parsed as DebugConfig, (line) => lines.push(line)), lines };
}

describe('debug exporter', () => {
  test('defaults to normal text', () => {
    assert.deepEqual(debugConfig.fallback(), { verbosity: 'normal', format: 'text' });
    const problems: Problem[] = [];
    debugConfig.parse({ verbosity: 'loud' }, 'exporters.debug', problems);
    assert.deepEqual(problems, [
      { path: 'exporters.debug.verbosity', message: 'expected one of basic, normal, detailed, got "loud"' },
    ]);
  });

  test('basic writes one count line per batch', async () => {
    const { exporter, lines } = capture({ verbosity: 'basic' });
    await exporter.exportMetrics(sampleMetricsBatch());
    await exporter.exportLogs(sampleLogsBatch());
    assert.deepEqual(lines, [
      'Metrics: 2 resource(s), 6 metric(s), 11 data point(s).',
      'Logs: 1 resource(s), 28 log record(s).',
    ]);
  });

  test('normal writes one line per metric and per log record', async () => {
    const { exporter, lines } = capture({});
    await exporter.exportMetrics(sampleMetricsBatch());
    assert.equal(lines.length, 1 + 6);
    assert.equal(lines[2], 'nginx.requests (sum, cumulative, monotonic, {request}): {method=GET} 4503599627370497');
    assert.equal(lines[4], 'http.server.duration (histogram, delta, s): {route=/} count=6 sum=1.5; count=0 sum=0');
    assert.equal(lines[6], 'rpc.latency.summary (summary): {service=a} count=10 sum=12.5 q0=0.1 q0.5=1 q1=0');
    lines.length = 0;
    await exporter.exportLogs(tinyLogsBatch());
    await exporter.exportLogs({
      resourceLogs: [
        {
          resource: { attributes: {} },
          scopeLogs: [
            {
              scope: { name: 's' },
              logRecords: [
                {
                  timeUnixNano: 1_700_000_000_000_000_001n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 13,
                  body: 'line one\nline two',
                  attributes: { path: '/a b' },
                },
              ],
            },
          ],
        },
      ],
    });
    assert.deepEqual(lines, [
      'Logs: 1 resource(s), 1 log record(s).',
      '1970-01-01T00:00:00.000000002Z UNSPECIFIED hi',
      'Logs: 1 resource(s), 1 log record(s).',
      '2023-11-14T22:13:20.000000001Z WARN line one\\nline two {path="/a b"}',
    ]);
  });

  test('normal condenses a metric with many points', async () => {
    const { exporter, lines } = capture({});
    const batch = tinyMetricsBatch();
    const metric = batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
    assert.ok(metric);
    metric.data.dataPoints = Array.from({ length: 25 }, (_, index) => ({
      attributes: { index },
      timeUnixNano: 1n,
      value: index,
    }));
    await exporter.exportMetrics(batch);
    assert.match(lines[1] ?? '', /^up \(gauge\): \{index=0\} 0; .* \{index=9\} 9 \(\+15 more\)$/);
  });

  test('detailed writes resources, scopes, every point with attributes, and exemplars', async () => {
    const { exporter, lines } = capture({ verbosity: 'detailed' });
    await exporter.exportMetrics(sampleMetricsBatch());
    assert.ok(lines.includes('  Resource: service.name=nginx host.name=web-1 (dropped 2)'));
    assert.ok(
      lines.includes('  ScopeMetrics #0 wasmpipe/nginx 0.1.0 (schema https://opentelemetry.io/schemas/1.25.0)'),
    );
    assert.ok(lines.includes('      Point #1 time=2023-11-14T22:13:30.123456789Z -3 flags=1 {state=reading}'));
    assert.ok(
      lines.includes(
        '        Exemplar time=2023-11-14T22:13:30.123456789Z value=5 trace=0102030405060708090a0b0c0d0e0f10 span=f0f1f2f3f4f5f6f7 {user=u1}',
      ),
    );
    assert.ok(lines.some((line) => line.includes('buckets=[≤0.1:1 ≤0.5:2 +Inf:3]')));
    assert.ok(
      lines.some((line) => line.includes('scale=-3 zero_count=2 zero_threshold=1e-9 positive=-2:[1,0,300,8589934592]')),
    );
    lines.length = 0;
    await exporter.exportLogs(sampleLogsBatch());
    assert.deepEqual(lines.slice(4, 16), [
      '    LogRecord #0',
      '      Time: 2023-11-14T22:13:20.000000000Z',
      '      Observed time: 2023-11-14T22:13:30.123456789Z',
      '      Severity: INFO (9)',
      '      Event name: http.access',
      '      Body: GET / HTTP/1.1 200',
      lines[10],
      '      Dropped attributes: 3',
      '      Trace id: 0102030405060708090a0b0c0d0e0f10',
      '      Span id: f0f1f2f3f4f5f6f7',
      '      Flags: 0xffffffff',
      '    LogRecord #1',
    ]);
    assert.ok(lines[10]?.startsWith('      Attributes: string=hello string.unicode="héllo wörld ✓ 𝄞"'));
  });

  test('json writes one OTLP/JSON line per batch, 64-bit integers as strings', async () => {
    const { exporter, lines } = capture({ format: 'json' });
    await exporter.exportMetrics(tinyMetricsBatch());
    await exporter.exportLogs(tinyLogsBatch());
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0] ?? ''), {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test' } }] },
          scopeMetrics: [
            {
              scope: { name: 'test' },
              metrics: [{ name: 'up', gauge: { dataPoints: [{ timeUnixNano: '1', asInt: '1' }] } }],
            },
          ],
        },
      ],
    });
    assert.deepEqual(JSON.parse(lines[1] ?? ''), {
      resourceLogs: [
        {
          resource: {},
          scopeLogs: [
            { scope: { name: 'test' }, logRecords: [{ observedTimeUnixNano: '2', body: { stringValue: 'hi' } }] },
          ],
        },
      ],
    });
  });

  test('json at basic verbosity writes counts only', async () => {
    const { exporter, lines } = capture({ format: 'json', verbosity: 'basic' });
    await exporter.exportMetrics(sampleMetricsBatch());
    assert.deepEqual(JSON.parse(lines[0] ?? ''), { signal: 'metrics', resources: 2, dataPoints: 11 });
  });

  test('the definition creates an exporter writing to the given writer', async () => {
    const lines: string[] = [];
    const definition = defineDebugExporter((line) => lines.push(line));
    assert.equal(definition.type, 'debug');
    assert.deepEqual(definition.signals, ['metrics', 'logs']);
    const exporter = await definition.create(
      { verbosity: 'basic', format: 'text' },
      createTestContext('debug').context,
    );
    await exporter.exportLogs?.(tinyLogsBatch());
    assert.deepEqual(lines, ['Logs: 1 resource(s), 1 log record(s).']);
  });

  test('times keep nanoseconds; severity numbers get their OTLP names', () => {
    assert.equal(formatTime(1_700_000_010_123_456_789n), '2023-11-14T22:13:30.123456789Z');
    assert.equal(severityName(9, undefined), 'INFO');
    assert.equal(severityName(11, undefined), 'INFO3');
    assert.equal(severityName(24, undefined), 'FATAL4');
    assert.equal(severityName(0, undefined), 'UNSPECIFIED');
    assert.equal(severityName(9, 'notice'), 'notice');
  });
});
