// examples/gateway.yaml as a user runs it: `wasmpipe validate` accepts it, and `wasmpipe run`
// with it takes a contract-encoded batch from a real nats-server, runs the three plugins and
// exports to a real OTLP/HTTP sink, then acknowledges the message.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { MetricsBatch } from '@wasmpipe/core';
import { CONTRACT_VERSION, encodeMetricsBatch } from '@wasmpipe/host-wapc';
import { type OtlpSink, startOtlpSink } from '../../packages/exporters/src/testing/otlp-sink.ts';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
  waitFor,
} from '../../packages/nats/src/testing/nats-server.test-support.ts';

const BINARY = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const CONFIG = fileURLToPath(new URL('../gateway.yaml', import.meta.url));
const skip = natsServerSkipReason();

let server: NatsServer | undefined;
let client: NatsConnection | undefined;
let sink: OtlpSink | undefined;

before(async () => {
  if (skip) return;
  server = await startNatsServer();
  client = await connect({ servers: server.url });
  sink = await startOtlpSink();
});
after(async () => {
  await client?.close();
  await server?.stop();
  await sink?.close();
});

function batch(): MetricsBatch {
  const point = (value: number, device: string) => ({
    attributes: { device, direction: 'receive' },
    timeUnixNano: 1_700_000_000_000_000_000n,
    value,
    isInteger: true,
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': 'web-1', 'service.name': 'example' } },
        scopeMetrics: [
          {
            scope: { name: 'gateway-example' },
            metrics: [
              {
                name: 'system.network.io',
                unit: 'By',
                data: { type: 'gauge', dataPoints: [point(1, 'eth0'), point(2, 'lo')] },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('examples/gateway.yaml', () => {
  it('is valid', () => {
    const result = spawnSync(process.execPath, [BINARY, 'validate', '--config', CONFIG], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /is valid/);
  });

  it('runs: nats in, filter/enrich/transform, OTLP/HTTP out, and acknowledges', { skip }, async () => {
    const manager = await jetstreamManager(client as NatsConnection);
    // The gateway uses the stream as it is (manage: false): the agents create it.
    await manager.streams.add({ name: 'WASMPIPE', subjects: ['wasmpipe.>'] });
    const child = spawn(process.execPath, [BINARY, 'run', '--config', CONFIG], {
      env: { ...process.env, NATS_URL: server?.url, OTLP_ENDPOINT: sink?.url, DEPLOYMENT_ENVIRONMENT: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | string>((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    try {
      await waitFor(() => /Everything is ready/.test(output), `the gateway to start:\n${output}`);
      const headers = natsHeaders();
      headers.set('Wasmpipe-Signal', 'metrics');
      headers.set('Wasmpipe-Encoding', 'contract');
      headers.set('Wasmpipe-Contract-Version', CONTRACT_VERSION);
      await jetstream(client as NatsConnection).publish('wasmpipe.metrics.web-1', encodeMetricsBatch(batch()), {
        headers,
      });
      // The filter drops the loopback point; eth0's arrives.
      await waitFor(() => (sink?.points.length ?? 0) >= 1, `the point at the sink:\n${output}`);
      assert.equal(sink?.points.length, 1);
      await waitFor(async () => {
        const info = await manager.consumers.info('WASMPIPE', 'wasmpipe-gateway');
        return info.num_ack_pending === 0 && info.num_pending === 0;
      }, 'the message to be acknowledged');
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output.slice(-3000));
    }
  });
});
