import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type Problem, WasmpipeError } from '@wasmpipe/core';
import { metricsToOtlpJson } from '../otlp/otlp-json.ts';
import { createTestContext, tinyLogsBatch, tinyMetricsBatch } from '../testing/create-context.ts';
import { type CaptureServer, closedPort, startCaptureServer } from '../testing/http-capture-server.ts';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  ExportLogsServiceResponse,
  ExportMetricsServiceResponse,
} from '../testing/official-schema.ts';
import { sampleMetricsBatch } from '../testing/sample-batches.ts';
import { type OtlpHttpConfig, otlpHttpConfig } from './config.ts';
import { OtlpHttpExporter } from './exporter.ts';
import { otlpHttpExporter } from './factory.ts';
import { parseHeaders, resolveSettings } from './settings.ts';
import { parseRetryAfter } from './transport.ts';

function parseConfig(input: unknown): { config: OtlpHttpConfig | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  const config = otlpHttpConfig.parse(input, 'exporters.otlp_http', problems);
  return { config, problems };
}

function exporterFor(input: Record<string, unknown>, env: Record<string, string> = {}) {
  const { config, problems } = parseConfig(input);
  assert.deepEqual(problems, []);
  const { context, lines, telemetry } = createTestContext('otlp_http', env);
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
  const urls = (config: unknown, env: Record<string, string> = {}) => {
    const { settings, problems } = resolveSettings(config as OtlpHttpConfig, (name) => env[name], '/etc/wasmpipe', 'x');
    assert.deepEqual(problems, []);
    return [settings.metrics.url, settings.logs.url];
  };

  test('defaults: gzip, protobuf, 10s, no headers; signal paths appended to the base endpoint', () => {
    const { config, problems } = parseConfig({ endpoint: 'http://127.0.0.1:4318' });
    assert.deepEqual(problems, []);
    const { settings } = resolveSettings(config as OtlpHttpConfig, () => undefined, '.', 'x');
    assert.deepEqual(settings.metrics, {
      url: 'http://127.0.0.1:4318/v1/metrics',
      headers: {},
      compression: 'gzip',
      encoding: 'proto',
      timeoutMs: 10_000,
      tls: undefined,
    });
    assert.equal(settings.logs.url, 'http://127.0.0.1:4318/v1/logs');
  });

  test('a base path keeps its prefix; signal endpoints are used as-is', () => {
    assert.deepEqual(
      urls({ endpoint: 'https://otel.example.com/prefix/', logs_endpoint: 'https://logs.example.com/ingest' }),
      ['https://otel.example.com/prefix/v1/metrics', 'https://logs.example.com/ingest'],
    );
  });

  test('endpoints: config, then the signal variable as-is, then the generic variable plus /v1/<signal>, then localhost', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs-only:9999/custom',
    };
    assert.deepEqual(urls({}, env), ['http://generic:4318/v1/metrics', 'http://logs-only:9999/custom']);
    assert.deepEqual(urls({ endpoint: 'http://config:4318' }, env), [
      'http://config:4318/v1/metrics',
      'http://config:4318/v1/logs',
    ]);
    assert.deepEqual(urls({}, {}), ['http://localhost:4318/v1/metrics', 'http://localhost:4318/v1/logs']);
  });

  test('headers, protocol, compression, timeout and certificates from the environment, the config winning', () => {
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20generic,x-tenant=a',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-tenant=metrics',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/certs/ca.pem',
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: '/certs/client.pem',
      OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: '/certs/client.key',
    };
    const fromEnv = resolveSettings({} as OtlpHttpConfig, (name) => env[name as keyof typeof env], '.', 'x');
    assert.deepEqual(fromEnv.problems, []);
    const { metrics, logs } = fromEnv.settings;
    assert.deepEqual(metrics.headers, { authorization: 'Bearer generic', 'x-tenant': 'metrics' });
    assert.deepEqual(logs.headers, { authorization: 'Bearer generic', 'x-tenant': 'a' });
    assert.deepEqual([metrics.encoding, logs.encoding], ['json', 'proto']);
    assert.deepEqual([metrics.compression, logs.compression], ['none', 'none']);
    assert.deepEqual([metrics.timeoutMs, logs.timeoutMs], [2500, 10_000]);
    assert.deepEqual(metrics.tls, {
      caFile: '/certs/ca.pem',
      certFile: undefined,
      keyFile: undefined,
      insecureSkipVerify: false,
      minVersion: '1.2',
    });
    assert.equal(logs.tls?.certFile, '/certs/client.pem');
    const config = {
      headers: { 'X-Tenant': 'config' },
      encoding: 'proto',
      compression: 'gzip',
      timeout: 700,
      tls: { ca_file: 'ca.pem', insecure_skip_verify: false, min_version: '1.3' },
    } as unknown as OtlpHttpConfig;
    const fromConfig = resolveSettings(config, (name) => env[name as keyof typeof env], '/etc/wasmpipe', 'x').settings;
    assert.deepEqual(fromConfig.metrics.headers, { authorization: 'Bearer generic', 'x-tenant': 'config' });
    assert.deepEqual(
      [fromConfig.metrics.encoding, fromConfig.metrics.compression, fromConfig.metrics.timeoutMs],
      ['proto', 'gzip', 700],
    );
    assert.equal(fromConfig.metrics.tls?.caFile, '/etc/wasmpipe/ca.pem', 'a relative file is relative to the config');
    assert.equal(fromConfig.metrics.tls?.minVersion, '1.3');
  });

  test('bad environment values are reported with the variable name; grpc is only a warning', () => {
    const env: Record<string, string> = {
      OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd',
      OTEL_EXPORTER_OTLP_TIMEOUT: '10s',
      OTEL_EXPORTER_OTLP_HEADERS: 'novalue,ok=1',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc',
    };
    const { settings, problems } = resolveSettings(
      {} as OtlpHttpConfig,
      (name) => env[name],
      '.',
      'exporters.otlp_http',
    );
    assert.deepEqual(
      problems.map((problem) => `${problem.path}: ${problem.message}`),
      [
        'exporters.otlp_http: OTEL_EXPORTER_OTLP_COMPRESSION: expected gzip or none, got "zstd"',
        'exporters.otlp_http: OTEL_EXPORTER_OTLP_TIMEOUT: expected a number of milliseconds, got "10s"',
        'exporters.otlp_http: OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas, got "novalue"',
      ],
    );
    assert.deepEqual(settings.warnings, [
      'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=grpc is for gRPC exporters; otlp_http sends http/protobuf.',
    ]);
    assert.deepEqual(settings.metrics.headers, { ok: '1' });
  });

  test('parseHeaders decodes percent-encoding and lowercases keys', () => {
    const problems: string[] = [];
    assert.deepEqual(
      parseHeaders('Api-Key=a%3Db%2Cc, x = y ,', (message) => problems.push(message)),
      {
        'api-key': 'a=b,c',
        x: 'y',
      },
    );
    assert.deepEqual(problems, []);
  });

  const invalid: [string, unknown, string[]][] = [
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
      { endpoint: 'http://a', tls: { ca: 'x' }, protocol: 'grpc' },
      [
        'exporters.otlp_http.protocol: unknown option; known options: endpoint, metrics_endpoint, logs_endpoint, headers, compression, encoding, timeout, tls',
        'exporters.otlp_http.tls.ca: unknown option; known options: ca_file, cert_file, key_file, insecure_skip_verify, min_version',
      ],
    ],
    [
      'bad encoding and TLS version',
      { encoding: 'xml', tls: { min_version: '1.4' } },
      [
        'exporters.otlp_http.encoding: expected one of proto, json, got "xml"',
        'exporters.otlp_http.tls.min_version: expected one of 1.0, 1.1, 1.2, 1.3, got "1.4"',
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

  test('validate reports an endpoint variable that is not a URL, a missing TLS file, and a lone client certificate', async () => {
    const { config } = parseConfig({ tls: { ca_file: 'missing-ca.pem', cert_file: '/nowhere/client.pem' } });
    const problems = await otlpHttpExporter.validate?.(config as OtlpHttpConfig, {
      path: 'exporters.otlp_http',
      platform: createTestContext('x', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).context.platform,
      configDirectory: '/etc/wasmpipe',
    });
    assert.deepEqual(
      problems?.map((problem) => `${problem.path}: ${problem.message}`),
      [
        'exporters.otlp_http.tls.key_file: is required too: a client certificate needs both cert_file and key_file',
        'exporters.otlp_http.tls.ca_file: file not found: /etc/wasmpipe/missing-ca.pem',
        'exporters.otlp_http.tls.cert_file: file not found: /nowhere/client.pem',
      ],
    );
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

  test('plain HTTP goes through node:http, not the global fetch; an injected fetch is used when given', async () => {
    const original = globalThis.fetch;
    let globalCalls = 0;
    globalThis.fetch = (() => {
      globalCalls++;
      return Promise.reject(new Error('the global fetch was called'));
    }) as typeof fetch;
    try {
      const { exporter } = exporterFor({ endpoint: server.url });
      await exporter.exportMetrics(tinyMetricsBatch());
      await exporter.exportMetrics(tinyMetricsBatch());
      await exporter.shutdown();
      assert.equal(globalCalls, 0);
      assert.equal(server.requests.length, 2);
      for (const request of server.requests) assert.ok(decodeMetricsRequest(gunzipSync(request.body)));
      let injectedCalls = 0;
      const { config } = parseConfig({ endpoint: server.url });
      const { context } = createTestContext('otlp_http');
      const injected = new OtlpHttpExporter(config as OtlpHttpConfig, context, {
        fetch: (input, init) => {
          injectedCalls++;
          return original(input, init);
        },
      });
      await injected.exportMetrics(tinyMetricsBatch());
      assert.equal(injectedCalls, 1);
      assert.equal(server.requests.length, 3);
    } finally {
      globalThis.fetch = original;
    }
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

  test('encoding json posts OTLP/JSON and reads a JSON partial success', async () => {
    server.respond((response) =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ partialSuccess: { rejectedDataPoints: '2', errorMessage: 'too old' } })),
    );
    const { exporter, telemetry, lines } = exporterFor({ endpoint: server.url, encoding: 'json', compression: 'none' });
    await exporter.exportMetrics(sampleMetricsBatch());
    const [request] = server.requests;
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(
      JSON.parse(request?.body.toString() ?? ''),
      JSON.parse(JSON.stringify(metricsToOtlpJson(sampleMetricsBatch()))),
    );
    assert.equal(telemetry.value('otlp_http', 'wasmpipe.exporter.rejected', 'metrics'), 2);
    assert.match(lines[0] ?? '', /rejected 2 data point\(s\): too old/);
  });

  test('a JSON google.rpc.Status body is quoted in the error', async () => {
    server.respond((response) =>
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"code":3,"message":"bad json"}'),
    );
    const { exporter } = exporterFor({ endpoint: server.url, encoding: 'json' });
    const error = await rejection(exporter.exportLogs(tinyLogsBatch()));
    assert.equal(error.message, `POST ${server.url}/v1/logs failed: HTTP 400 Bad Request: bad json.`);
  });

  test("the runtime's abort signal (shutdown) stops a request under way; the error is retryable", async () => {
    server.respond(() => {});
    const { exporter } = exporterFor({ endpoint: server.url });
    const controller = new AbortController();
    const exporting = exporter.exportMetrics(tinyMetricsBatch(), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const error = await rejection(exporting);
    assert.equal(error.retryable, true);
    assert.equal(error.message, `POST ${server.url}/v1/metrics was stopped: the exporter is shutting down.`);
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
