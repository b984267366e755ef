import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type Problem, WasmpipeError } from '@wasmpipe/core';
import { createTestContext, tinyLogsBatch, tinyMetricsBatch } from '../testing/create-context.ts';
import { type CaptureServer, closedPort, startCaptureServer } from '../testing/http-capture-server.ts';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  ExportLogsServiceResponse,
  ExportMetricsServiceResponse,
} from '../testing/official-schema.ts';
import { sampleMetricsBatch } from '../testing/sample-batches.ts';
import { type OtlpHttpConfig, otlpHttpConfig, signalUrl } from './config.ts';
import { OtlpHttpExporter } from './exporter.ts';
import { otlpHttpExporter } from './factory.ts';
import { parseRetryAfter } from './transport.ts';

function parseConfig(input: unknown): { config: OtlpHttpConfig | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  const config = otlpHttpConfig.parse(input, 'exporters.otlp_http', problems);
  return { config, problems };
}

function exporterFor(input: Record<string, unknown>) {
  const { config, problems } = parseConfig(input);
  assert.deepEqual(problems, []);
  const { context, lines, telemetry } = createTestContext('otlp_http');
  return { exporter: new OtlpHttpExporter(config as OtlpHttpConfig, context), lines, telemetry };
}

async function rejection(promise: Promise<unknown>): Promise<WasmpipeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(WasmpipeError.isInstance(error), `expected a WasmpipeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the export to fail');
}

describe('otlp_http config', () => {
  test('defaults: gzip, 10s, no headers; signal paths appended to the base endpoint', () => {
    const { config, problems } = parseConfig({ endpoint: 'http://127.0.0.1:4318' });
    assert.deepEqual(problems, []);
    assert.deepEqual(config, { endpoint: 'http://127.0.0.1:4318', headers: {}, compression: 'gzip', timeout: 10_000 });
    assert.equal(signalUrl(config as OtlpHttpConfig, 'metrics'), 'http://127.0.0.1:4318/v1/metrics');
    assert.equal(signalUrl(config as OtlpHttpConfig, 'logs'), 'http://127.0.0.1:4318/v1/logs');
  });

  test('a base path keeps its prefix; signal endpoints are used as-is', () => {
    const { config } = parseConfig({
      endpoint: 'https://otel.example.com/prefix/',
      logs_endpoint: 'https://logs.example.com/ingest',
    });
    assert.equal(signalUrl(config as OtlpHttpConfig, 'metrics'), 'https://otel.example.com/prefix/v1/metrics');
    assert.equal(signalUrl(config as OtlpHttpConfig, 'logs'), 'https://logs.example.com/ingest');
  });

  const invalid: [string, unknown, string[]][] = [
    ['no endpoint', {}, ['exporters.otlp_http.endpoint: is required']],
    [
      'not a URL',
      { endpoint: 'collector:4318' },
      ['exporters.otlp_http.endpoint: expected an http:// or https:// URL, got "collector:4318"'],
    ],
    [
      'bad compression and timeout',
      { endpoint: 'http://a', compression: 'zstd', timeout: 'soon' },
      [
        'exporters.otlp_http.compression: expected one of gzip, none, got "zstd"',
        'exporters.otlp_http.timeout: expected a duration such as "10s" or "250ms", got "soon"',
      ],
    ],
    [
      'header not a string',
      { endpoint: 'http://a', headers: { 'x-key': 1 } },
      ['exporters.otlp_http.headers.x-key: expected a string, got number 1'],
    ],
    [
      'unknown option',
      { endpoint: 'http://a', tls: {} },
      [
        'exporters.otlp_http.tls: unknown option; known options: endpoint, metrics_endpoint, logs_endpoint, headers, compression, timeout',
      ],
    ],
  ];
  for (const [name, input, expected] of invalid) {
    test(`rejects ${name}`, () => {
      const { problems } = parseConfig(input);
      assert.deepEqual(
        problems.map((problem) => `${problem.path}: ${problem.message}`),
        expected,
      );
    });
  }

  test('validate reports a URL that does not parse', async () => {
    const { config } = parseConfig({ endpoint: 'http://[bad' });
    const problems = await otlpHttpExporter.validate?.(config as OtlpHttpConfig, {
      path: 'exporters.otlp_http',
      platform: createTestContext('x').context.platform,
      configDirectory: '.',
    });
    assert.deepEqual(problems, [
      { path: 'exporters.otlp_http.endpoint', message: 'is not a valid URL: "http://[bad"' },
    ]);
  });
});

describe('otlp_http exporter', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.respond((response) => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });

  test('posts gzipped protobuf metrics to /v1/metrics with the configured headers', async () => {
    const { exporter } = exporterFor({ endpoint: server.url, headers: { authorization: 'Bearer secret' } });
    const batch = sampleMetricsBatch();
    await exporter.exportMetrics(batch);
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/v1/metrics');
    assert.equal(request.headers['content-type'], 'application/x-protobuf');
    assert.equal(request.headers['content-encoding'], 'gzip');
    assert.equal(request.headers.authorization, 'Bearer secret');
    const decoded = decodeMetricsRequest(gunzipSync(request.body));
    const resourceMetrics = decoded.resourceMetrics as { scopeMetrics: { metrics: { name: string }[] }[] }[];
    assert.deepEqual(
      resourceMetrics[0]?.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
      [
        'nginx.connections.current',
        'nginx.requests',
        'nginx.upstream.delta',
        'http.server.duration',
        'http.server.duration.exponential',
        'rpc.latency.summary',
      ],
    );
  });

  test('posts uncompressed logs to /v1/logs when compression is none', async () => {
    const { exporter } = exporterFor({ endpoint: `${server.url}/`, compression: 'none' });
    await exporter.exportLogs(tinyLogsBatch());
    const [request] = server.requests;
    assert.equal(request?.path, '/v1/logs');
    assert.equal(request?.headers['content-encoding'], undefined);
    const decoded = decodeLogsRequest(request?.body ?? new Uint8Array());
    assert.deepEqual(decoded, {
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

  test('sends nothing for an empty batch', async () => {
    const { exporter } = exporterFor({ endpoint: server.url });
    await exporter.exportMetrics({ resourceMetrics: [] });
    await exporter.exportLogs({ resourceLogs: [{ resource: { attributes: {} }, scopeLogs: [] }] });
    assert.equal(server.requests.length, 0);
  });

  test('503 with Retry-After is retryable, with retryAfterMs', async () => {
    server.respond((response) =>
      response.writeHead(503, { 'retry-after': '7', 'content-type': 'text/plain' }).end('overloaded, try later'),
    );
    const { exporter } = exporterFor({ endpoint: server.url });
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 7000);
    assert.equal(
      error.message,
      `POST ${server.url}/v1/metrics failed: HTTP 503 Service Unavailable: overloaded, try later.`,
    );
  });

  for (const status of [429, 502, 504]) {
    test(`${status} is retryable`, async () => {
      server.respond((response) => response.writeHead(status).end());
      const { exporter } = exporterFor({ endpoint: server.url });
      const error = await rejection(exporter.exportLogs(tinyLogsBatch()));
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, undefined);
    });
  }

  test('400 is permanent and carries the google.rpc.Status message', async () => {
    // google.rpc.Status { code(1) = 3, message(2) = "bad data point" }
    const status = Buffer.from([0x08, 0x03, 0x12, 0x0e, ...Buffer.from('bad data point')]);
    server.respond((response) => response.writeHead(400, { 'content-type': 'application/x-protobuf' }).end(status));
    const { exporter } = exporterFor({ endpoint: server.url });
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, false);
    assert.equal(error.message, `POST ${server.url}/v1/metrics failed: HTTP 400 Bad Request: bad data point.`);
  });

  for (const status of [401, 404, 413, 500]) {
    test(`${status} is permanent`, async () => {
      server.respond((response) => response.writeHead(status).end());
      const { exporter } = exporterFor({ endpoint: server.url });
      assert.equal((await rejection(exporter.exportMetrics(tinyMetricsBatch()))).retryable, false);
    });
  }

  test('a refused connection is retryable and says so', async () => {
    const port = await closedPort();
    const { exporter } = exporterFor({ endpoint: `http://127.0.0.1:${port}` });
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, true);
    assert.equal(error.message, `POST http://127.0.0.1:${port}/v1/metrics failed: connection refused.`);
  });

  test('no response within the timeout is retryable', async () => {
    server.respond(() => {});
    const { exporter } = exporterFor({ endpoint: server.url, timeout: '150ms' });
    const started = performance.now();
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, true);
    assert.equal(error.message, `POST ${server.url}/v1/metrics failed: no response within 150ms.`);
    assert.ok(performance.now() - started < 5000);
  });

  test('a partial success is counted and warned about once per reason, not per batch', async () => {
    const body = ExportMetricsServiceResponse.encode(
      ExportMetricsServiceResponse.fromObject({
        partialSuccess: { rejectedDataPoints: 3, errorMessage: 'NaN values are not accepted' },
      }),
    ).finish();
    server.respond((response) => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(body));
    const { exporter, lines, telemetry } = exporterFor({ endpoint: server.url });
    await exporter.exportMetrics(tinyMetricsBatch());
    await exporter.exportMetrics(tinyMetricsBatch());
    assert.equal(telemetry.value('otlp_http', 'wasmpipe.exporter.rejected', 'metrics'), 6);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0] ?? '',
      /The OTLP receiver at .*\/v1\/metrics rejected 3 data point\(s\): NaN values are not accepted\./,
    );
  });

  test('a full success response with an empty partial success logs nothing', async () => {
    const body = ExportLogsServiceResponse.encode(
      ExportLogsServiceResponse.fromObject({ partialSuccess: {} }),
    ).finish();
    server.respond((response) => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(body));
    const { exporter, lines } = exporterFor({ endpoint: server.url });
    await exporter.exportLogs(tinyLogsBatch());
    assert.deepEqual(lines, []);
  });

  test('after shutdown, exports fail permanently; shutdown is idempotent and safe without start', async () => {
    const { exporter } = exporterFor({ endpoint: server.url });
    await exporter.shutdown();
    await exporter.shutdown();
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, false);
    assert.equal(server.requests.length, 0);
  });
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('30'), 30_000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  const now = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now), 0);
});
