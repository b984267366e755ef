import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type JetStreamManager, jetstreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  compileConfig,
  createRegistry,
  formatProblems,
  getPlatform,
  type MetricsBatch,
  type Problem,
  Service,
  silentLogger,
} from '@wasmpipe/core';
import { decodeLogsRequest, decodeMetricsRequest } from '@wasmpipe/exporters';
import { CONTRACT_VERSION, decodeLogsBatch, decodeMetricsBatch } from '@wasmpipe/host-wapc';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
  waitFor,
} from '../testing/nats-server.test-support.ts';
import { numberedLogs, numberedMetrics, sequenceCollector, sequenceOutputs } from '../testing/sequence.test-support.ts';
import { createTestContext } from '../testing/test-context.test-support.ts';
import { type NatsExporterConfig, natsExporterConfig } from './config.ts';
import { messageId, NatsExporter } from './exporter.ts';
import { natsExporter } from './factory.ts';
import { NATS_HEADERS } from './headers.ts';

const skip = natsServerSkipReason();
const platform = { ...getPlatform(), env: () => undefined };
let server: NatsServer | undefined;
let client: NatsConnection | undefined;
let manager: JetStreamManager;

before(async () => {
  if (skip) return;
  server = await startNatsServer();
  client = await connect({ servers: server.url });
  manager = await jetstreamManager(client);
});
after(async () => {
  await client?.close();
  await server?.stop();
});

function exporterConfig(input: Record<string, unknown>): NatsExporterConfig {
  const problems: Problem[] = [];
  const config = natsExporterConfig.parse({ servers: [server?.url], ...input }, 'exporters.nats', problems);
  assert.deepEqual(problems, []);
  return config as NatsExporterConfig;
}

/** Every message in a stream, in order. */
async function messages(stream: string): Promise<StoredMsg[]> {
  const info = await manager.streams.info(stream);
  const found: StoredMsg[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await manager.streams.getMessage(stream, { seq });
    if (message) found.push(message);
  }
  return found;
}

async function streamCount(stream: string): Promise<number> {
  try {
    return (await manager.streams.info(stream)).state.messages;
  } catch {
    return 0;
  }
}

function pointValues(batch: MetricsBatch): number[] {
  return batch.resourceMetrics.flatMap((resource) =>
    resource.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.data.type === 'gauge' ? metric.data.dataPoints.map((point) => Number(point.value)) : [],
      ),
    ),
  );
}

describe('nats exporter against a real nats-server', { skip }, () => {
  test('otlp_proto: metrics and logs arrive as OTLP requests with signal, encoding and item headers', async () => {
    const { context } = createTestContext('nats/proto');
    const exporter = new NatsExporter(
      exporterConfig({ stream: { name: 'PROTO', subjects: ['proto.>'] }, subject: 'proto.{signal}' }),
      context,
    );
    await exporter.start();
    try {
      await exporter.exportMetrics(numberedMetrics('h1', 0, 5));
      await exporter.exportLogs(numberedLogs('h1', 0, 3));
    } finally {
      await exporter.shutdown();
    }
    const [metrics, logs] = await messages('PROTO');
    assert.ok(metrics && logs);
    assert.equal(metrics.subject, 'proto.metrics');
    assert.equal(metrics.header.get(NATS_HEADERS.signal), 'metrics');
    assert.equal(metrics.header.get(NATS_HEADERS.encoding), 'otlp_proto');
    assert.equal(metrics.header.get(NATS_HEADERS.items), '5');
    assert.equal(metrics.header.get(NATS_HEADERS.messageId), await messageId('proto.metrics', metrics.data));
    assert.deepEqual(pointValues(decodeMetricsRequest(metrics.data).batch), [0, 1, 2, 3, 4]);
    assert.equal(logs.subject, 'proto.logs');
    assert.equal(logs.header.get(NATS_HEADERS.signal), 'logs');
    const records = decodeLogsRequest(logs.data).batch.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    assert.deepEqual(
      records.map((record) => record.body),
      ['record 0', 'record 1', 'record 2'],
    );
  });

  test('contract: the payload is the plugin contract msgpack batch, with the contract version header', async () => {
    const { context } = createTestContext('nats/contract');
    const exporter = new NatsExporter(
      exporterConfig({
        encoding: 'contract',
        stream: { name: 'CONTRACT', subjects: ['contract.>'] },
        subject: 'contract.{signal}',
      }),
      context,
    );
    await exporter.start();
    try {
      await exporter.exportMetrics(numberedMetrics('h1', 10, 4));
      await exporter.exportLogs(numberedLogs('h1', 7, 2));
    } finally {
      await exporter.shutdown();
    }
    const [metrics, logs] = await messages('CONTRACT');
    assert.ok(metrics && logs);
    assert.equal(metrics.header.get(NATS_HEADERS.encoding), 'contract');
    assert.equal(metrics.header.get(NATS_HEADERS.contractVersion), CONTRACT_VERSION);
    assert.deepEqual(pointValues(decodeMetricsBatch(metrics.data)), [10, 11, 12, 13]);
    const records = decodeLogsBatch(logs.data).resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    assert.deepEqual(
      records.map((record) => record.body),
      ['record 7', 'record 8'],
    );
  });

  test('a republished batch carries the same message id and JetStream drops it (counted as a duplicate)', async () => {
    const { context, telemetry } = createTestContext('nats/dedupe');
    const exporter = new NatsExporter(
      exporterConfig({ stream: { name: 'DEDUPE', subjects: ['dedupe.>'] }, subject: 'dedupe.{signal}' }),
      context,
    );
    await exporter.start();
    try {
      await exporter.exportMetrics(numberedMetrics('h1', 0, 3));
      // The same batch again (a retry after a lost ack), and an equal copy of it (a file-queue replay).
      await exporter.exportMetrics(numberedMetrics('h1', 0, 3));
      await exporter.exportMetrics(numberedMetrics('h1', 0, 3));
      await exporter.exportMetrics(numberedMetrics('h1', 3, 3));
    } finally {
      await exporter.shutdown();
    }
    assert.equal(await streamCount('DEDUPE'), 2);
    assert.equal(telemetry.value('nats/dedupe', 'wasmpipe.exporter.nats.duplicates', 'metrics'), 2);
    assert.equal(telemetry.value('nats/dedupe', 'wasmpipe.exporter.nats.messages', 'metrics'), 4);
  });

  test('a subject naming a resource attribute: one message per value, each value one safe token', async () => {
    const { context } = createTestContext('nats/attribute');
    const exporter = new NatsExporter(
      exporterConfig({ subject: 'attr.{signal}.{resource.host.name}', stream: { name: 'ATTR', subjects: ['attr.>'] } }),
      context,
    );
    const batch = numberedMetrics('web-1.example.com', 0, 2);
    const other = numberedMetrics('db *>', 2, 1).resourceMetrics[0];
    const unnamed = numberedMetrics('x', 3, 1).resourceMetrics[0];
    assert.ok(other && unnamed);
    unnamed.resource.attributes = {};
    batch.resourceMetrics.push(other, unnamed);
    await exporter.start();
    try {
      await exporter.exportMetrics(batch);
    } finally {
      await exporter.shutdown();
    }
    const found = (await messages('ATTR')).map((message) => [
      message.subject,
      pointValues(decodeMetricsRequest(message.data).batch),
    ]);
    found.sort();
    assert.deepEqual(found, [
      ['attr.metrics._', [3]],
      ['attr.metrics.db___', [2]],
      ['attr.metrics.web-1_example_com', [0, 1]],
    ]);
  });

  test('manage: false with a missing stream stops the start with a clear error', async () => {
    const { context } = createTestContext('nats/missing');
    const exporter = new NatsExporter(exporterConfig({ stream: { name: 'NOPE', manage: false } }), context);
    await assert.rejects(exporter.start(), /JetStream stream NOPE does not exist and stream.manage is false/);
    await exporter.shutdown();
  });

  test('nats-server stopped for a while and started again: the file queue holds every batch and delivers it', async () => {
    const outage = await startNatsServer();
    const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-nats-queue-'));
    const registry = createRegistry(sequenceCollector, natsExporter);
    const compiled = await compileConfig(
      {
        collectors: { sequence: {} },
        exporters: {
          nats: {
            servers: [outage.url],
            reconnect_wait: '50ms',
            max_reconnect_wait: '500ms',
            timeout: '2s',
            subject: 'outage.{signal}',
            stream: { name: 'OUTAGE', subjects: ['outage.>'] },
            sending_queue: { storage: 'file', directory, num_consumers: 2 },
            retry_on_failure: { initial_interval: '50ms', max_interval: '500ms', max_elapsed_time: 0 },
          },
        },
        pipelines: { metrics: { collectors: ['sequence'], exporters: ['nats'] } },
      },
      { registry, platform, configDirectory: '.' },
    );
    assert.ok(compiled.ok, compiled.ok ? '' : formatProblems(compiled.problems));
    const service = new Service(compiled.config, { platform, logger: silentLogger });
    const value = (name: string) => service.telemetry.value('nats', name, 'metrics');
    let reader: NatsConnection | undefined;
    try {
      await service.start();
      const consumer = sequenceOutputs.get('sequence');
      assert.ok(consumer?.consumeMetrics);
      const push = (first: number) => consumer.consumeMetrics?.(numberedMetrics('h1', first, 10)) as Promise<void>;
      let next = 0;
      for (; next < 100; next += 10) await push(next);
      await waitFor(() => value('wasmpipe.exporter.sent') === 100, 'the first 100 points to be sent');

      await outage.down();
      for (; next < 300; next += 10) await push(next);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(value('wasmpipe.exporter.sent'), 100, 'nothing counts as sent while NATS is down');
      assert.ok(
        (service.telemetry.value('nats', 'wasmpipe.exporter.queue.size') ?? 0) > 0,
        'the batches wait in the queue',
      );

      await outage.restart();
      await waitFor(() => value('wasmpipe.exporter.sent') === 300, 'every point to be sent after the restart', 60_000);
      reader = await connect({ servers: outage.url });
      const readerManager = await jetstreamManager(reader);
      const info = await readerManager.streams.info('OUTAGE');
      const seen: number[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const message = await readerManager.streams.getMessage('OUTAGE', { seq });
        if (message) seen.push(...pointValues(decodeMetricsRequest(message.data).batch));
      }
      seen.sort((a, b) => a - b);
      assert.deepEqual(
        seen,
        Array.from({ length: 300 }, (_, index) => index),
        'every point once, no duplicates',
      );
      assert.equal(value('wasmpipe.exporter.send_failed'), 0);
      assert.equal(value('wasmpipe.exporter.enqueue_failed'), 0);
    } finally {
      await service.shutdown();
      await reader?.close();
      await outage.stop();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
