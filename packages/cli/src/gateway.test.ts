// The binary as a gateway: OTLP in through the `otlp` collector (HTTP and gRPC), Prometheus and
// OTLP/gRPC out, all from one YAML config, the way a user runs it.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { MetricsBatch } from '@wasmpipe/core';
import { createLogger, getPlatform, Telemetry } from '@wasmpipe/core';
import { encodeMetricsRequest, otlpGrpcExporter } from '@wasmpipe/exporters';
import { eventually, startWasmpipe, type WasmpipeProcess } from './testing/wasmpipe-process.test-support.ts';

function requests(value: number, service: string): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': service } },
        scopeMetrics: [
          {
            scope: { name: 'gateway-test' },
            metrics: [
              {
                name: 'http.server.requests',
                unit: '{request}',
                data: {
                  type: 'sum',
                  aggregationTemporality: 'cumulative',
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: { route: '/' },
                      timeUnixNano: BigInt(Date.now()) * 1_000_000n,
                      value,
                      isInteger: true,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

let directory: string;
let wasmpipe: WasmpipeProcess;
const endpoint = (label: RegExp) => label.exec(wasmpipe.stderr() + wasmpipe.stdout())?.[1] ?? '';

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-gateway-'));
  const config = join(directory, 'gateway.yaml');
  await writeFile(
    config,
    [
      'collectors:',
      '  otlp:',
      '    protocols:',
      '      http: { endpoint: 127.0.0.1:0 }',
      '      grpc: { endpoint: 127.0.0.1:0 }',
      'exporters:',
      '  prometheus: { endpoint: 127.0.0.1:0 }',
      'pipelines:',
      '  metrics: { collectors: [otlp], exporters: [prometheus] }',
      '',
    ].join('\n'),
  );
  wasmpipe = startWasmpipe(['run', '--config', config]);
  await wasmpipe.waitFor(/Everything is ready/);
});

after(async () => {
  if (wasmpipe.child.exitCode === null) {
    wasmpipe.child.kill('SIGTERM');
    await wasmpipe.exited();
  }
  await rm(directory, { recursive: true, force: true });
});

test('OTLP/HTTP in, Prometheus out', async () => {
  const http = endpoint(/OTLP\/HTTP is listening\..*endpoint=(http:\/\/\S+)/);
  const scrape = endpoint(/Prometheus scrape endpoint is listening\..*endpoint=(http:\/\/\S+)/);
  const response = await fetch(`${http}/v1/metrics`, {
    method: 'POST',
    body: encodeMetricsRequest(requests(42, 'web')),
    headers: { 'content-type': 'application/x-protobuf' },
  });
  assert.equal(response.status, 200);
  await eventually(
    async () => /^http_server_requests_total\{.*job="web".*\} 42$/m.test(await (await fetch(scrape)).text()),
    'the counter on the scrape endpoint',
  );
});

test('OTLP/gRPC in (from our own exporter), Prometheus out', async () => {
  const grpc = endpoint(/OTLP\/gRPC is listening\..*endpoint=(\S+)/);
  const scrape = endpoint(/Prometheus scrape endpoint is listening\..*endpoint=(http:\/\/\S+)/);
  const config = otlpGrpcExporter.config.parse({ endpoint: `http://${grpc}` }, 'exporters.otlp_grpc', []);
  const logger = createLogger({ level: 'error' });
  const exporter = await otlpGrpcExporter.create(config as never, {
    id: 'otlp_grpc',
    logger,
    telemetry: new Telemetry().forComponent('otlp_grpc'),
    platform: getPlatform(),
    configDirectory: '.',
  });
  await exporter.start?.({ platform: getPlatform(), logger });
  await exporter.exportMetrics?.(requests(7, 'api'));
  await exporter.shutdown?.();
  await eventually(
    async () => /^http_server_requests_total\{.*job="api".*\} 7$/m.test(await (await fetch(scrape)).text()),
    'the gRPC counter on the scrape endpoint',
  );
});

test('SIGTERM stops it cleanly', async () => {
  wasmpipe.child.kill('SIGTERM');
  assert.equal(await wasmpipe.exited(), 0);
});
