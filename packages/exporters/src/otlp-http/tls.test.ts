// otlp_http over TLS against a real HTTPS server (Node's, in its own process) with a CA and
// certificates made by openssl at test time. The exporter runs on whichever runtime runs the test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Problem, WasmpipeError } from '@wasmpipe/core';
import { createTestContext, tinyMetricsBatch } from '../testing/create-context.ts';
import {
  type Certificates,
  type HttpsServer,
  hasOpenssl,
  makeCertificates,
  type SeenRequest,
  startHttpsServer,
} from '../testing/tls-fixtures.ts';
import { type OtlpHttpConfig, otlpHttpConfig } from './config.ts';
import { OtlpHttpExporter } from './exporter.ts';

const available = await hasOpenssl();
if (!available && process.env['CI']) throw new Error('openssl is needed by the TLS tests and is not installed.');
const skip = available ? false : 'openssl is not installed; skipping the TLS tests';

function exporterFor(input: Record<string, unknown>, env: Record<string, string> = {}): OtlpHttpExporter {
  const problems: Problem[] = [];
  const config = otlpHttpConfig.parse(input, 'otlp_http', problems);
  assert.deepEqual(problems, []);
  return new OtlpHttpExporter(config as OtlpHttpConfig, createTestContext('otlp_http', env).context);
}

async function failure(promise: Promise<unknown>): Promise<WasmpipeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(WasmpipeError.isInstance(error), `expected a WasmpipeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the export to fail');
}

async function lastSeen(server: HttpsServer, count: number): Promise<SeenRequest> {
  const deadline = Date.now() + 10_000;
  while (server.seen().length < count) {
    if (Date.now() > deadline) throw new Error(`The server saw ${server.seen().length} request(s), not ${count}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return server.seen()[count - 1] as SeenRequest;
}

describe('otlp_http over TLS', { skip }, () => {
  let certificates: Certificates;
  let server: HttpsServer;
  let tls12Only: HttpsServer;
  before(async () => {
    certificates = await makeCertificates();
    server = await startHttpsServer(certificates);
    tls12Only = await startHttpsServer(certificates, 'TLSv1.2');
  });
  after(async () => {
    await server?.close();
    await tls12Only?.close();
    await certificates?.remove();
  });

  test('verifies the server with tls.ca_file', async () => {
    const exporter = exporterFor({ endpoint: server.url, tls: { ca_file: certificates.ca } });
    await exporter.start();
    await exporter.exportMetrics(tinyMetricsBatch());
    const seen = await lastSeen(server, 1);
    assert.equal(seen.path, '/v1/metrics');
    assert.equal(seen.encoding, 'gzip');
    assert.ok(seen.bytes > 0);
    assert.equal(seen.client, null, 'no client certificate was asked for');
    await exporter.shutdown();
  });

  test('refuses a server signed by an unknown CA, and sends nothing', async () => {
    const before = server.seen().length;
    const exporter = exporterFor({ endpoint: server.url, timeout: '5s' });
    const error = await failure(exporter.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, true);
    assert.match(error.message, /^POST https:\/\/127\.0\.0\.1:\d+\/v1\/metrics failed: /);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.seen().length, before);
  });

  test('presents a client certificate (mutual TLS) with cert_file and key_file', async () => {
    const count = server.seen().length;
    const exporter = exporterFor({
      endpoint: server.url,
      tls: { ca_file: certificates.ca, cert_file: certificates.clientCert, key_file: certificates.clientKey },
    });
    await exporter.exportMetrics(tinyMetricsBatch());
    const seen = await lastSeen(server, count + 1);
    assert.equal(seen.client, 'wasmpipe-client');
    assert.equal(seen.authorized, true, 'the server verified the client certificate against its CA');
    await exporter.shutdown();
  });

  test('insecure_skip_verify accepts the server without a CA', async () => {
    const count = server.seen().length;
    const exporter = exporterFor({ endpoint: server.url, tls: { insecure_skip_verify: true } });
    await exporter.exportMetrics(tinyMetricsBatch());
    await lastSeen(server, count + 1);
    await exporter.shutdown();
  });

  test('min_version 1.3 refuses a server that only speaks TLS 1.2; 1.2 accepts it', async () => {
    const strict = exporterFor({ endpoint: tls12Only.url, tls: { ca_file: certificates.ca, min_version: '1.3' } });
    const error = await failure(strict.exportMetrics(tinyMetricsBatch()));
    assert.equal(error.retryable, true);
    const lenient = exporterFor({ endpoint: tls12Only.url, tls: { ca_file: certificates.ca, min_version: '1.2' } });
    await lenient.exportMetrics(tinyMetricsBatch());
    const seen = await lastSeen(tls12Only, 1);
    assert.equal(seen.protocol, 'TLSv1.2');
    assert.equal(tls12Only.seen().length, 1, 'the TLS 1.3-only attempt never reached the server');
    await lenient.shutdown();
  });

  test('takes the CA and the client certificate from OTEL_EXPORTER_OTLP_* variables', async () => {
    const count = server.seen().length;
    const exporter = exporterFor(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: server.url,
        OTEL_EXPORTER_OTLP_CERTIFICATE: certificates.ca,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: certificates.clientCert,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: certificates.clientKey,
      },
    );
    await exporter.exportMetrics(tinyMetricsBatch());
    const seen = await lastSeen(server, count + 1);
    assert.equal(seen.client, 'wasmpipe-client');
    await exporter.shutdown();
  });

  test('a missing CA file stops the start with a clear message', async () => {
    const exporter = exporterFor({ endpoint: server.url, tls: { ca_file: '/nonexistent/ca.pem' } });
    await assert.rejects(exporter.start(), /Cannot read the CA certificate \/nonexistent\/ca\.pem/);
  });
});
