// The nats collector against a real nats-server: an agent service (sequence collector → nats
// exporter) publishes numbered points, gateway services (nats collector → a recording exporter the
// test can make fail) consume them. Checks end-to-end acknowledgement, redelivery after a failed
// export, sharing one durable consumer, both encodings, and dead letters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  compileConfig,
  countDataPoints,
  createRegistry,
  defineExporter,
  defineProcessor,
  formatProblems,
  getPlatform,
  type MetricsBatch,
  retryableError,
  Service,
  s,
  silentLogger,
} from '@wasmpipe/core';
import { encodeMetricsRequest } from '@wasmpipe/exporters';
import { CONTRACT_VERSION, encodeMetricsBatch, isWireBatch } from '@wasmpipe/host-wapc';
import { natsExporter } from '../exporter/factory.ts';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
  waitFor,
} from '../testing/nats-server.test-support.ts';
import { numberedMetrics, sequenceCollector, sequenceOutputs } from '../testing/sequence.test-support.ts';
import { DEAD_LETTER_HEADERS } from './collector.ts';
import { natsCollector } from './factory.ts';

const skip = natsServerSkipReason();
let server: NatsServer | undefined;
let client: NatsConnection | undefined;
let manager: JetStreamManager;
let js: JetStreamClient;

/** What each recording exporter received (point values), and how it answers, by a label in its config. */
const received = new Map<string, number[]>();
const wireBatches = new Map<string, number>();
const answers = new Map<string, (batch: MetricsBatch) => void>();

const recordingExporter = defineExporter({
  type: 'record',
  description: 'Test exporter keeping point values.',
  signals: ['metrics'],
  config: s.object({ label: s.string() }),
  create(config) {
    received.set(config.label, []);
    return {
      async exportMetrics(batch) {
        answers.get(config.label)?.(batch);
        for (const resource of batch.resourceMetrics)
          for (const scope of resource.scopeMetrics)
            for (const metric of scope.metrics)
              if (metric.data.type === 'gauge')
                for (const point of metric.data.dataPoints) received.get(config.label)?.push(Number(point.value));
      },
    };
  },
});

/** Counts the batches that arrive still held as plugin-contract bytes (what a wasm processor takes as is). */
const probeProcessor = defineProcessor({
  type: 'probe',
  description: 'Test processor counting wire batches.',
  signals: ['metrics'],
  config: s.object({ label: s.string() }),
  mutatesData: false,
  create(config, _context, next) {
    wireBatches.set(config.label, 0);
    return {
      async consumeMetrics(batch) {
        if (isWireBatch(batch)) wireBatches.set(config.label, (wireBatches.get(config.label) ?? 0) + 1);
        await next.consumeMetrics?.(batch);
      },
    };
  },
});

const registry = createRegistry(sequenceCollector, natsExporter, natsCollector, recordingExporter, probeProcessor);

before(async () => {
  if (skip) return;
  server = await startNatsServer();
  client = await connect({ servers: server.url });
  manager = await jetstreamManager(client);
  js = jetstream(client);
});
after(async () => {
  await client?.close();
  await server?.stop();
});

async function start(raw: Record<string, unknown>): Promise<Service> {
  const result = await compileConfig(raw, { registry, platform: getPlatform(), configDirectory: '.' });
  assert.ok(result.ok, result.ok ? '' : formatProblems(result.problems));
  const service = new Service(result.config, { platform: getPlatform(), logger: silentLogger });
  await service.start();
  return service;
}

/** An agent publishing to `stream` (subjects `<prefix>.>`) with the given encoding. */
function agent(stream: string, prefix: string, encoding = 'otlp_proto'): Promise<Service> {
  return start({
    collectors: { sequence: {} },
    exporters: {
      nats: {
        servers: [server?.url],
        subject: `${prefix}.{signal}`,
        encoding,
        stream: { name: stream, subjects: [`${prefix}.>`] },
      },
    },
    pipelines: { metrics: { collectors: ['sequence'], exporters: ['nats'] } },
  });
}

/** A gateway reading `stream` with durable `durable` into the recording exporter `label`. */
function gateway(stream: string, prefix: string, durable: string, label: string, extra: object = {}): Promise<Service> {
  return start({
    collectors: {
      nats: {
        servers: [server?.url],
        durable,
        stream: { name: stream, subjects: [`${prefix}.>`] },
        dead_letter: {
          subject: `${prefix}_dead.{durable}`,
          stream: { name: `${stream}_DEAD`, subjects: [`${prefix}_dead.>`] },
        },
        nak_delay: '50ms',
        nak_max_delay: '200ms',
        ...extra,
      },
    },
    processors: { probe: { label } },
    exporters: {
      record: { label, retry_on_failure: { enabled: false } },
    },
    pipelines: { metrics: { collectors: ['nats'], processors: ['probe'], exporters: ['record'] } },
  });
}

async function publishSequence(service: Service, batches: number, points: number): Promise<number[]> {
  const output = sequenceOutputs.get('sequence');
  assert.ok(output?.consumeMetrics);
  for (let index = 0; index < batches; index++)
    await output.consumeMetrics(numberedMetrics('host-a', index * points, points));
  await waitFor(
    () => service.telemetry.value('nats', 'wasmpipe.exporter.sent', 'metrics') === batches * points,
    'the agent to publish every batch',
  );
  return Array.from({ length: batches * points }, (_, index) => index);
}

async function ackPending(stream: string, durable: string): Promise<number> {
  const info = await manager.consumers.info(stream, durable);
  return info.num_ack_pending + info.num_pending;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe('nats collector', { skip }, () => {
  test('delivers every batch and acknowledges each message only after the export succeeded', async () => {
    const publisher = await agent('ACK', 'ack');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let exports = 0;
    answers.set('ack', () => {
      exports++;
    });
    const gate = await gateway('ACK', 'ack', 'gw', 'ack');
    const expected = await publishSequence(publisher, 10, 20);
    await waitFor(() => (received.get('ack') ?? []).length === expected.length, 'every point at the exporter');
    assert.deepEqual(sorted(received.get('ack') ?? []), expected);
    await waitFor(async () => (await ackPending('ACK', 'gw')) === 0, 'every message to be acknowledged');
    assert.equal(gate.telemetry.value('nats', 'wasmpipe.collector.nats.acknowledged'), 10);
    assert.equal(gate.telemetry.value('nats', 'wasmpipe.collector.accepted', 'metrics'), 200);
    assert.ok(exports >= 1);

    // While an export hangs, its message stays unacknowledged.
    let hang: Promise<void> | undefined = held;
    answers.set('ack', () => {
      if (hang) throw retryableError('held'); // fails fast, then succeeds once released
    });
    const output = sequenceOutputs.get('sequence');
    await output?.consumeMetrics?.(numberedMetrics('host-a', 1000, 5));
    await waitFor(() => gate.telemetry.value('nats', 'wasmpipe.collector.nats.nacked') >= 1, 'a nak');
    assert.ok((await ackPending('ACK', 'gw')) >= 1, 'the failed message is not acknowledged');
    hang = undefined;
    release();
    await waitFor(() => (received.get('ack') ?? []).includes(1004), 'the redelivered batch to be exported');
    await waitFor(async () => (await ackPending('ACK', 'gw')) === 0, 'the redelivered message to be acknowledged');
    assert.ok(gate.telemetry.value('nats', 'wasmpipe.collector.nats.redelivered', 'metrics') >= 5);
    await gate.shutdown();
    await publisher.shutdown();
  });

  test('two gateways sharing a durable split the messages; each message is exported once', async () => {
    const publisher = await agent('SPLIT', 'split');
    answers.delete('one');
    answers.delete('two');
    const slow = (batch: MetricsBatch) => {
      // A little work per batch, so one gateway cannot drain everything before the other pulls.
      const until = Date.now() + Math.min(5, countDataPoints(batch));
      while (Date.now() < until) {}
    };
    answers.set('one', slow);
    answers.set('two', slow);
    const one = await gateway('SPLIT', 'split', 'shared', 'one', { fetch_size: 4 });
    const two = await gateway('SPLIT', 'split', 'shared', 'two', { fetch_size: 4 });
    const expected = await publishSequence(publisher, 60, 10);
    const total = () => (received.get('one') ?? []).length + (received.get('two') ?? []).length;
    await waitFor(() => total() === expected.length, 'every point at one of the gateways', 60_000);
    assert.deepEqual(sorted([...(received.get('one') ?? []), ...(received.get('two') ?? [])]), expected);
    assert.ok((received.get('one') ?? []).length > 0, 'gateway one did part of the work');
    assert.ok((received.get('two') ?? []).length > 0, 'gateway two did part of the work');
    await Promise.all([one.shutdown(), two.shutdown(), publisher.shutdown()]);
  });

  test('hands contract-encoded batches on as bytes, without decoding them', async () => {
    const publisher = await agent('CONTRACT', 'contract', 'contract');
    answers.delete('contract');
    const gate = await gateway('CONTRACT', 'contract', 'gw', 'contract');
    const expected = await publishSequence(publisher, 3, 7);
    await waitFor(() => (received.get('contract') ?? []).length === expected.length, 'every point');
    assert.deepEqual(sorted(received.get('contract') ?? []), expected);
    assert.equal(wireBatches.get('contract'), 3, 'each batch reached the first processor still held as contract bytes');
    await Promise.all([gate.shutdown(), publisher.shutdown()]);
  });

  test('sends a poison message to the dead-letter subject after max_deliver, and counts it', async () => {
    answers.delete('poison');
    const gate = await gateway('POISON', 'poison', 'gw', 'poison', { max_deliver: 3 });
    const headers = natsHeaders();
    headers.set('Wasmpipe-Signal', 'metrics');
    headers.set('Wasmpipe-Encoding', 'otlp_proto');
    await js.publish('poison.metrics', new Uint8Array([0x0a, 0xff, 0xff, 0xff]), { headers });
    const wrongVersion = natsHeaders();
    wrongVersion.set('Wasmpipe-Signal', 'metrics');
    wrongVersion.set('Wasmpipe-Encoding', 'contract');
    wrongVersion.set('Wasmpipe-Contract-Version', '99.0.0');
    await js.publish('poison.metrics', encodeMetricsBatch(numberedMetrics('h', 0, 2)), { headers: wrongVersion });
    // A good message after them is delivered meanwhile.
    const good = natsHeaders();
    good.set('Wasmpipe-Signal', 'metrics');
    await js.publish('poison.metrics', encodeMetricsRequest(numberedMetrics('h', 7, 1)), { headers: good });

    await waitFor(
      () => gate.telemetry.value('nats', 'wasmpipe.collector.nats.dead_lettered') === 2,
      'two dead letters',
    );
    assert.equal(gate.telemetry.value('nats', 'wasmpipe.collector.nats.poison'), 6, 'three deliveries of each');
    assert.deepEqual(received.get('poison'), [7]);
    const dead = await manager.streams.info('POISON_DEAD');
    assert.equal(dead.state.messages, 2);
    const first = await manager.streams.getMessage('POISON_DEAD', { seq: dead.state.first_seq });
    assert.equal(first?.subject, 'poison_dead.gw');
    assert.equal(first?.header.get(DEAD_LETTER_HEADERS.subject), 'poison.metrics');
    assert.equal(first?.header.get(DEAD_LETTER_HEADERS.deliveries), '3');
    assert.match(first?.header.get(DEAD_LETTER_HEADERS.reason) ?? '', /cannot be decoded/);
    assert.deepEqual(
      [...(first?.data ?? [])],
      [0x0a, 0xff, 0xff, 0xff],
      'the dead letter carries the bytes as they came',
    );
    const second = await manager.streams.getMessage('POISON_DEAD', { seq: dead.state.last_seq });
    assert.match(second?.header.get(DEAD_LETTER_HEADERS.reason) ?? '', /contract version "99.0.0"/);
    assert.equal(CONTRACT_VERSION.startsWith('99.'), false);
    await waitFor(async () => (await ackPending('POISON', 'gw')) === 0, 'nothing left pending');
    await gate.shutdown();
  });
});
