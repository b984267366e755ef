import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
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
import { createTestContext } from '../../../exporters/src/testing/create-context.ts';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
  waitFor,
} from '../testing/nats-server.test-support.ts';
import { numberedLogs, numberedMetrics, sequenceCollector, sequenceOutputs } from '../testing/sequence.test-support.ts';
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

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

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
    // Called directly (no sending queue, so no batch id): the exporter's own id for this batch object.
    assert.match(metrics.header.get(NATS_HEADERS.messageId), /^x[0-9a-f]{24}-1\.0$/);
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

  test('two byte-identical batches both land in the stream: the message id is per batch, not per content', async () => {
    const { context, telemetry } = createTestContext('nats/identical');
    const exporter = new NatsExporter(
      exporterConfig({ stream: { name: 'IDENTICAL', subjects: ['identical.>'] }, subject: 'identical.{signal}' }),
      context,
    );
    await exporter.start();
    try {
      // Two equal batches from a real source (same points, same timestamps), one after the other,
      // through a direct call and through the sending queue's ids.
      await exporter.exportMetrics(numberedMetrics('h1', 0, 3));
      await exporter.exportMetrics(numberedMetrics('h1', 0, 3));
      await exporter.exportLogs(numberedLogs('h1', 0, 2), { signal: new AbortController().signal, batchId: 'q-1' });
      await exporter.exportLogs(numberedLogs('h1', 0, 2), { signal: new AbortController().signal, batchId: 'q-2' });
    } finally {
      await exporter.shutdown();
    }
    const stored = await messages('IDENTICAL');
    assert.equal(stored.length, 4);
    assert.deepEqual(stored[0]?.data, stored[1]?.data, 'the two metrics messages are byte-identical');
    assert.deepEqual(stored[2]?.data, stored[3]?.data, 'the two logs messages are byte-identical');
    assert.deepEqual(
      stored.slice(2).map((message) => message.header.get(NATS_HEADERS.messageId)),
      [messageId('q-1', 0), messageId('q-2', 0)],
    );
    assert.equal(telemetry.value('nats/identical', 'wasmpipe.exporter.nats.duplicates', 'metrics'), 0);
    assert.equal(telemetry.value('nats/identical', 'wasmpipe.exporter.nats.duplicates', 'logs'), 0);
  });

  test('identical batches through the pipeline all arrive; a retry after a timed-out ack is dropped as a duplicate', async () => {
    // A server of its own: it is frozen (SIGSTOP) so a publish reaches its socket but is not acknowledged in time.
    const frozen = await startNatsServer();
    const registry = createRegistry(sequenceCollector, natsExporter);
    const compiled = await compileConfig(
      {
        collectors: { sequence: {} },
        exporters: {
          nats: {
            servers: [frozen.url],
            timeout: '500ms',
            subject: 'retry.{signal}',
            stream: { name: 'RETRY', subjects: ['retry.>'] },
            retry_on_failure: { initial_interval: '100ms', max_interval: '200ms', max_elapsed_time: 0 },
          },
        },
        pipelines: { metrics: { collectors: ['sequence'], exporters: ['nats'] } },
      },
      { registry, platform, configDirectory: '.' },
    );
    assert.ok(compiled.ok, compiled.ok ? '' : formatProblems(compiled.problems));
    const service = new Service(compiled.config, { platform, logger: silentLogger });
    const value = (name: string) => service.telemetry.value('nats', name, 'metrics');
    const pid = frozen.pid as number;
    let reader: NatsConnection | undefined;
    try {
      await service.start();
      const consumer = sequenceOutputs.get('sequence');
      assert.ok(consumer?.consumeMetrics);
      for (let index = 0; index < 5; index++) await consumer.consumeMetrics(numberedMetrics('h1', 0, 2));
      await waitFor(() => value('wasmpipe.exporter.sent') === 10, 'five identical batches to be sent');
      assert.equal(value('wasmpipe.exporter.nats.duplicates') ?? 0, 0, 'no identical batch was taken for a duplicate');

      process.kill(pid, 'SIGSTOP');
      try {
        await consumer.consumeMetrics(numberedMetrics('h1', 100, 2));
        // At least one publish timed out and a retry is on its way.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        assert.equal(value('wasmpipe.exporter.sent'), 10, 'nothing acknowledged while the server is frozen');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await waitFor(() => value('wasmpipe.exporter.sent') === 12, 'the retried batch to be acknowledged', 30_000);
      assert.ok((value('wasmpipe.exporter.nats.duplicates') ?? 0) >= 1, 'a republish was acknowledged as a duplicate');
      reader = await connect({ servers: frozen.url });
      const info = await (await jetstreamManager(reader)).streams.info('RETRY');
      assert.equal(info.state.messages, 6, 'five identical batches and the retried one, stored once');
      assert.equal(value('wasmpipe.exporter.send_failed'), 0);
    } finally {
      await service.shutdown();
      await reader?.close();
      await frozen.stop();
    }
  });

  test('storage: file: a batch published before a restart but not acknowledged is replayed with the same id and dropped', async () => {
    const frozen = await startNatsServer();
    const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-nats-replay-'));
    const registry = createRegistry(sequenceCollector, natsExporter);
    const compiled = await compileConfig(
      {
        collectors: { sequence: {} },
        exporters: {
          nats: {
            servers: [frozen.url],
            timeout: '300ms',
            subject: 'replay.{signal}',
            stream: { name: 'REPLAY', subjects: ['replay.>'] },
            sending_queue: { storage: 'file', directory, drain_timeout: '200ms' },
            retry_on_failure: { initial_interval: '30s', max_elapsed_time: 0 },
          },
        },
        pipelines: { metrics: { collectors: ['sequence'], exporters: ['nats'] } },
      },
      { registry, platform, configDirectory: '.' },
    );
    assert.ok(compiled.ok, compiled.ok ? '' : formatProblems(compiled.problems));
    const pid = frozen.pid as number;
    const lock = join(directory, 'nats', 'lock');
    let reader: NatsConnection | undefined;
    try {
      // First run: the batch is published to a frozen server (no ack), then the agent stops; the
      // file queue keeps the batch. The server then wakes up and stores what it had received.
      const first = new Service(compiled.config, { platform, logger: silentLogger });
      await first.start();
      const consumer = sequenceOutputs.get('sequence');
      assert.ok(consumer?.consumeMetrics);
      await consumer.consumeMetrics(numberedMetrics('h1', 0, 2)); // a first batch, sent and done
      await waitFor(() => first.telemetry.value('nats', 'wasmpipe.exporter.sent', 'metrics') === 2, 'the first batch');
      process.kill(pid, 'SIGSTOP');
      let stopping: Promise<void> | undefined;
      try {
        await consumer.consumeMetrics(numberedMetrics('h1', 0, 2)); // equal content, another batch
        await new Promise((resolve) => setTimeout(resolve, 800)); // published; its ack timed out
        stopping = first.shutdown();
        // The queue's files are closed (the batch kept) before the connection is drained.
        await waitFor(async () => !(await exists(lock)), 'the first run to close its queue', 30_000);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await stopping;
      assert.equal(first.telemetry.value('nats', 'wasmpipe.exporter.sent', 'metrics'), 2, 'not acknowledged');
      reader = await connect({ servers: frozen.url });
      const readerManager = await jetstreamManager(reader);
      await waitFor(
        async () => (await readerManager.streams.info('REPLAY')).state.messages === 2,
        'the server to store the unacknowledged publish',
      );

      // Second run: the queue replays the batch with the id it had; JetStream drops it.
      const second = new Service(compiled.config, { platform, logger: silentLogger });
      const value = (name: string) => second.telemetry.value('nats', name, 'metrics');
      await second.start();
      try {
        await waitFor(() => value('wasmpipe.exporter.sent') === 2, 'the replayed batch to be acknowledged');
        assert.equal(value('wasmpipe.exporter.redelivered'), 2, 'replayed from the file queue');
        assert.equal(value('wasmpipe.exporter.nats.duplicates'), 1, 'acknowledged as a duplicate');
      } finally {
        await second.shutdown();
      }
      assert.equal((await readerManager.streams.info('REPLAY')).state.messages, 2, 'stored once');
    } finally {
      await reader?.close();
      await frozen.stop();
      await rm(directory, { recursive: true, force: true });
    }
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
