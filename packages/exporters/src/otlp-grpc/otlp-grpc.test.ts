import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { getPlatform, type Problem, WasmpipeError } from '@wasmpipe/core';
import { encodeMetricsRequest } from '../otlp/encode-metrics.ts';
import { encodeExportResponse, encodeStatus, GrpcCode } from '../otlp/export-status.ts';
import { createTestContext, tinyLogsBatch, tinyMetricsBatch } from '../testing/create-context.ts';
import {
  type GrpcTestServer,
  startGrpcTestServer,
  startRawGrpcCapture,
  startTlsTestServer,
} from '../testing/grpc-test-server.ts';
import { closedPort } from '../testing/http-capture-server.ts';
import { decodeMetricsRequest } from '../testing/official-schema.ts';
import { largeSumBatch, sampleMetricsBatch } from '../testing/sample-batches.ts';
import { grpcTarget, type OtlpGrpcConfig, otlpGrpcConfig, validateOtlpGrpcConfig } from './config.ts';
import { OtlpGrpcExporter } from './exporter.ts';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/tls/', import.meta.url));

function parse(input: unknown): { config: OtlpGrpcConfig | undefined; problems: string[] } {
  const problems: Problem[] = [];
  const config = otlpGrpcConfig.parse(input, 'exporters.otlp_grpc', problems);
  return { config, problems: problems.map((problem) => `${problem.path}: ${problem.message}`) };
}

async function exporterFor(input: Record<string, unknown>, configDirectory = '.') {
  const { config, problems } = parse(input);
  assert.deepEqual(problems, []);
  const validation = await validateOtlpGrpcConfig(config as OtlpGrpcConfig, {
    path: 'exporters.otlp_grpc',
    platform: getPlatform(),
    configDirectory,
  });
  assert.deepEqual(validation, []);
  const { context, lines, telemetry } = createTestContext('otlp_grpc');
  const exporter = new OtlpGrpcExporter(config as OtlpGrpcConfig, { ...context, configDirectory });
  await exporter.start({ platform: getPlatform(), logger: context.logger });
  return { exporter, lines, telemetry };
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

describe('otlp_grpc config', () => {
  test('defaults: gzip, 10s, TLS on with the system roots', () => {
    const { config } = parse({ endpoint: 'collector:4317' });
    assert.deepEqual(config, {
      endpoint: 'collector:4317',
      headers: {},
      compression: 'gzip',
      timeout: 10_000,
      tls: { insecure_skip_verify: false, min_version: '1.2', insecure: false },
    });
  });

  test('the endpoint picks the target and, with tls.insecure, plaintext or TLS', () => {
    const target = (endpoint: string, insecure = false) => grpcTarget({ endpoint, tls: { insecure } });
    assert.deepEqual(target('collector:4317'), { address: 'collector:4317', host: 'collector', secure: true });
    assert.deepEqual(target('collector:4317', true), { address: 'collector:4317', host: 'collector', secure: false });
    assert.deepEqual(target('http://collector'), { address: 'collector:80', host: 'collector', secure: false });
    assert.deepEqual(target('http://collector:4317'), { address: 'collector:4317', host: 'collector', secure: false });
    assert.deepEqual(target('https://collector:443/'), { address: 'collector:443', host: 'collector', secure: true });
    assert.deepEqual(target('[::1]:4317', true), { address: '[::1]:4317', host: '::1', secure: false });
    assert.equal(target('unix:///tmp/socket'), undefined);
    assert.equal(target('collector:4317/path'), undefined);
  });

  test('validation reports a bad endpoint, a half client certificate and missing files', async () => {
    const { config } = parse({
      endpoint: 'ftp://collector',
      tls: { cert_file: 'client.pem', ca_file: 'missing.pem' },
    });
    const problems = await validateOtlpGrpcConfig(config as OtlpGrpcConfig, {
      path: 'exporters.otlp_grpc',
      platform: getPlatform(),
      configDirectory: FIXTURES,
    });
    assert.deepEqual(
      problems.map((problem) => `${problem.path}: ${problem.message}`),
      [
        'exporters.otlp_grpc.endpoint: expected host:port or an http:// or https:// URL, got "ftp://collector"',
        'exporters.otlp_grpc.tls.key_file: is required with the other of cert_file and key_file',
        `exporters.otlp_grpc.tls.ca_file: ${FIXTURES}missing.pem is not a readable file`,
      ],
    );
    assert.deepEqual(parse({ endpoint: 'a:1', compression: 'zstd', tls: { min_version: '1.4' } }).problems, [
      'exporters.otlp_grpc.compression: expected one of gzip, none, got "zstd"',
      'exporters.otlp_grpc.tls.min_version: expected one of 1.0, 1.1, 1.2, 1.3, got "1.4"',
    ]);
  });
});

describe('otlp_grpc exporter', () => {
  let server: GrpcTestServer;
  before(async () => {
    server = await startGrpcTestServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.calls.length = 0;
    server.answer(() => ({ response: new Uint8Array(0) }));
  });

  test('sends gzipped protobuf with the headers as metadata, to the signal services', async () => {
    const { exporter } = await exporterFor({
      endpoint: `http://${server.address}`,
      headers: { 'X-Api-Key': 'secret' },
    });
    const batch = sampleMetricsBatch();
    await exporter.exportMetrics(batch);
    await exporter.exportLogs(tinyLogsBatch());
    await exporter.shutdown();
    const [metrics, logs] = server.calls;
    assert.equal(metrics?.signal, 'metrics');
    assert.equal(logs?.signal, 'logs');
    assert.equal(metrics?.metadata['x-api-key'], 'secret');
    assert.match(metrics?.metadata['user-agent'] ?? '', /^wasmpipe grpc-node-js/);
    // What arrived is our encoding of the batch, byte for byte, which the official schema reads.
    assert.ok(Buffer.from(metrics?.request ?? []).equals(encodeMetricsRequest(batch)));
    assert.equal((decodeMetricsRequest(metrics?.request ?? new Uint8Array(0)).resourceMetrics as unknown[]).length, 2);
  });

  for (const compression of ['gzip', 'none'] as const) {
    test(`compression ${compression} is what goes on the wire`, async () => {
      const raw = await startRawGrpcCapture();
      try {
        const { exporter } = await exporterFor({ endpoint: raw.address, compression, tls: { insecure: true } });
        const batch = largeSumBatch(1000);
        await exporter.exportMetrics(batch);
        await exporter.shutdown();
        const [message] = raw.messages;
        const plain = encodeMetricsRequest(batch);
        if (compression === 'gzip') {
          assert.equal(message?.headers['grpc-encoding'], 'gzip');
          assert.equal(message?.compressed, true);
          assert.ok(Buffer.from(gunzipSync(message?.payload ?? new Uint8Array(0))).equals(plain));
          assert.ok((message?.payload.length ?? 0) < plain.length / 5);
        } else {
          assert.equal(message?.compressed, false);
          assert.ok(Buffer.from(message?.payload ?? []).equals(plain));
        }
      } finally {
        await raw.close();
      }
    });
  }

  test('a partial success is counted and warned about once per reason', async () => {
    server.answer(() => ({ response: encodeExportResponse(4, 'NaN is not allowed') }));
    const { exporter, lines, telemetry } = await exporterFor({ endpoint: `http://${server.address}` });
    await exporter.exportMetrics(tinyMetricsBatch());
    await exporter.exportMetrics(tinyMetricsBatch());
    await exporter.shutdown();
    assert.equal(telemetry.value('otlp_grpc', 'wasmpipe.exporter.rejected', 'metrics'), 8);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0] ?? '',
      /The OTLP receiver at 127\.0\.0\.1:\d+ rejected 4 data point\(s\): NaN is not allowed\./,
    );
  });

  const classified: [string, () => grpc.Metadata | undefined, number, boolean, number | undefined][] = [
    ['UNAVAILABLE', () => undefined, GrpcCode.UNAVAILABLE, true, undefined],
    ['RESOURCE_EXHAUSTED without RetryInfo', () => undefined, GrpcCode.RESOURCE_EXHAUSTED, false, undefined],
    [
      'RESOURCE_EXHAUSTED with RetryInfo',
      () => {
        const metadata = new grpc.Metadata();
        metadata.set('grpc-status-details-bin', Buffer.from(encodeStatus(8, 'slow down', 2500)));
        return metadata;
      },
      GrpcCode.RESOURCE_EXHAUSTED,
      true,
      2500,
    ],
    ['INVALID_ARGUMENT', () => undefined, GrpcCode.INVALID_ARGUMENT, false, undefined],
    ['UNAUTHENTICATED', () => undefined, GrpcCode.UNAUTHENTICATED, false, undefined],
    ['ABORTED', () => undefined, GrpcCode.ABORTED, true, undefined],
  ];
  for (const [name, metadata, code, retryable, retryAfterMs] of classified) {
    test(`${name} is ${retryable ? 'retryable' : 'permanent'}`, async () => {
      const trailer = metadata();
      server.answer(() => ({
        error: { code, details: 'told by the test', ...(trailer ? { metadata: trailer } : {}) },
      }));
      const { exporter } = await exporterFor({ endpoint: `http://${server.address}` });
      const error = await rejection(exporter.exportLogs(tinyLogsBatch()));
      await exporter.shutdown();
      assert.equal(error.retryable, retryable);
      assert.equal(error.retryAfterMs, retryAfterMs);
      assert.equal(error.message, `Export logs to ${server.address} failed: ${name.split(' ')[0]}: told by the test.`);
    });
  }

  test('no answer within the timeout is DEADLINE_EXCEEDED, retryable', async () => {
    server.answer(() => ({ hang: true }));
    const { exporter } = await exporterFor({ endpoint: `http://${server.address}`, timeout: '200ms' });
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    await exporter.shutdown();
    assert.equal(error.retryable, true);
    assert.equal(
      error.message,
      `Export metrics to ${server.address} failed: DEADLINE_EXCEEDED: no response within 200ms.`,
    );
  });

  test('nobody listening is UNAVAILABLE, retryable', async () => {
    const port = await closedPort();
    const { exporter } = await exporterFor({ endpoint: `http://127.0.0.1:${port}`, timeout: '5s' });
    const error = await rejection(exporter.exportMetrics(tinyMetricsBatch()));
    await exporter.shutdown();
    assert.equal(error.retryable, true);
    assert.match(error.message, /failed: UNAVAILABLE/);
  });

  test('an abort signal cancels the call; after shutdown, exports fail permanently', async () => {
    server.answer(() => ({ hang: true }));
    const { exporter } = await exporterFor({ endpoint: `http://${server.address}` });
    const controller = new AbortController();
    const pending = rejection(exporter.exportMetrics(tinyMetricsBatch(), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const error = await pending;
    assert.equal(error.retryable, true);
    assert.match(error.message, /CANCELLED/);
    await exporter.shutdown();
    await exporter.shutdown();
    assert.equal((await rejection(exporter.exportMetrics(tinyMetricsBatch()))).retryable, false);
  });
});

describe('otlp_grpc exporter over TLS (server in a Node process)', () => {
  const endpoint = (port: number) => `localhost:${port}`;

  test('trusts the server through ca_file, and refuses it without', async () => {
    const server = await startTlsTestServer(false);
    try {
      const trusted = await exporterFor(
        { endpoint: endpoint(server.port), tls: { ca_file: 'ca.pem', min_version: '1.3' } },
        FIXTURES,
      );
      await trusted.exporter.exportMetrics(tinyMetricsBatch());
      await trusted.exporter.shutdown();
      const untrusted = await exporterFor({ endpoint: endpoint(server.port), timeout: '5s' });
      const error = await rejection(untrusted.exporter.exportMetrics(tinyMetricsBatch()));
      await untrusted.exporter.shutdown();
      assert.match(error.message, /UNAVAILABLE.*(certificate|verify)/i);
      const skipping = await exporterFor({ endpoint: endpoint(server.port), tls: { insecure_skip_verify: true } });
      await skipping.exporter.exportLogs(tinyLogsBatch());
      await skipping.exporter.shutdown();
      const byIp = await exporterFor(
        { endpoint: `https://127.0.0.1:${server.port}`, tls: { ca_file: 'ca.pem', server_name_override: 'localhost' } },
        FIXTURES,
      );
      await byIp.exporter.exportLogs(tinyLogsBatch());
      await byIp.exporter.shutdown();
    } finally {
      await server.close();
    }
  });

  test('presents a client certificate for mutual TLS', async () => {
    const server = await startTlsTestServer(true);
    try {
      const withCertificate = await exporterFor(
        {
          endpoint: endpoint(server.port),
          tls: { ca_file: 'ca.pem', cert_file: 'client.pem', key_file: 'client.key' },
        },
        FIXTURES,
      );
      await withCertificate.exporter.exportMetrics(tinyMetricsBatch());
      await withCertificate.exporter.shutdown();
      const without = await exporterFor(
        { endpoint: endpoint(server.port), timeout: '5s', tls: { ca_file: 'ca.pem' } },
        FIXTURES,
      );
      const error = await rejection(without.exporter.exportMetrics(tinyMetricsBatch()));
      await without.exporter.shutdown();
      assert.equal(error.retryable, true);
    } finally {
      await server.close();
    }
  });
});
