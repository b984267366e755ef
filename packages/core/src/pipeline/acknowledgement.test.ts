import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defineExporter, defineProcessor } from '../component/define.ts';
import { createRegistry } from '../component/registry.ts';
import { compileConfig } from '../config/compile.ts';
import { formatProblems } from '../config/problems.ts';
import { s } from '../config/schema.ts';
import { Acknowledgement, consumeAcknowledged, type Handover } from '../delivery/acknowledgement.ts';
import { permanentError, retryableError } from '../errors/errors.ts';
import { countDataPoints } from '../model/batch.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import { getPlatform } from '../platform/index.ts';
import { batchProcessor } from '../processors/batch.ts';
import { silentLogger } from '../telemetry/logger.ts';
import { makeBatch, manualCollector, manualOutputs, renameProcessor } from '../testing/components.test-support.ts';
import { Service } from './service.ts';

/** How each `gate` exporter answers, by id: the test decides per batch. */
const gates = new Map<string, (batch: MetricsBatch) => Promise<void>>();
/** What each `gate` exporter sent, by id (metric names). */
const sent = new Map<string, string[]>();

const namesIn = (batch: MetricsBatch) =>
  batch.resourceMetrics.flatMap((resource) =>
    resource.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
  );

const gateExporter = defineExporter({
  type: 'gate',
  description: 'Test exporter whose answers the test decides.',
  signals: ['metrics'],
  config: s.object({}),
  create(_config, context) {
    sent.set(context.id, []);
    return {
      async exportMetrics(batch) {
        await (gates.get(context.id) ?? (async () => {}))(batch);
        sent.get(context.id)?.push(...namesIn(batch));
      },
    };
  },
});

/** Drops every metric whose name starts with `drop`, in place. */
const dropProcessor = defineProcessor({
  type: 'drop',
  description: 'Test processor filtering metrics named drop*.',
  signals: ['metrics'],
  config: s.object({}),
  mutatesData: true,
  create(_config, _context, next) {
    return {
      async consumeMetrics(batch) {
        for (const resource of batch.resourceMetrics)
          for (const scope of resource.scopeMetrics)
            scope.metrics = scope.metrics.filter((metric) => !metric.name.startsWith('drop'));
        if (countDataPoints(batch) > 0) await next.consumeMetrics?.(batch);
      },
    };
  },
});

/** Answers with new batch objects (one per metric, as a plugin would), knowing nothing of acknowledgements. */
const splitProcessor = defineProcessor({
  type: 'split',
  description: 'Test processor that hands on one new batch per metric.',
  signals: ['metrics'],
  config: s.object({}),
  mutatesData: false,
  create(_config, _context, next) {
    return {
      async consumeMetrics(batch) {
        await new Promise((resolve) => setTimeout(resolve, 1)); // an asynchronous hop, like a worker
        for (const resource of batch.resourceMetrics)
          for (const scope of resource.scopeMetrics)
            for (const metric of scope.metrics) {
              await next.consumeMetrics?.({
                resourceMetrics: [{ ...resource, scopeMetrics: [{ ...scope, metrics: [metric] }] }],
              });
            }
      },
    };
  },
});

const registry = createRegistry(
  manualCollector,
  renameProcessor,
  batchProcessor,
  dropProcessor,
  splitProcessor,
  gateExporter,
);

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasmpipe-ack-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function serviceOf(raw: unknown): Promise<Service> {
  const result = await compileConfig(raw, { registry, platform: getPlatform(), configDirectory: root });
  assert.ok(result.ok, result.ok ? '' : formatProblems(result.problems));
  const service = new Service(result.config, { platform: getPlatform(), logger: silentLogger });
  await service.start();
  return service;
}

const handOver = (names: string[], resource = 'test-host'): Handover => {
  const output = manualOutputs.get('manual');
  assert.ok(output, 'the manual collector is not running');
  return consumeAcknowledged(output, 'metrics', makeBatch(names, 1, resource));
};

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Whether a promise has settled, after letting pending callbacks run. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => {
      state = 'resolved';
    },
    () => {
      state = 'rejected';
    },
  );
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
  return state;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('Acknowledgement', () => {
  it('resolves when the last reference is released, and a failure wins once', async () => {
    const acknowledgement = new Acknowledgement();
    acknowledgement.hold(2);
    acknowledgement.release();
    acknowledgement.release();
    assert.equal(acknowledgement.state, 'pending');
    acknowledgement.release();
    assert.equal(acknowledgement.state, 'delivered');
    await acknowledgement.settled;
    acknowledgement.fail(new Error('too late'));
    assert.equal(acknowledgement.state, 'delivered');

    const failing = new Acknowledgement();
    failing.hold();
    failing.fail(new Error('first'));
    failing.fail(new Error('second'));
    failing.release();
    await assert.rejects(failing.settled, /first/);
  });
});

describe('end-to-end acknowledgement through a service', () => {
  it('is accepted at enqueue but delivered only when the exporter succeeded', async () => {
    const gate = deferred();
    gates.set('gate', () => gate.promise);
    const service = await serviceOf({
      collectors: { manual: {} },
      exporters: { gate: {} },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['gate'] } },
    });
    const handed = handOver(['a']);
    await handed.accepted;
    assert.equal(await stateOf(handed.delivered), 'pending', 'the export has not finished');
    gate.resolve();
    await handed.delivered;
    assert.deepEqual(sent.get('gate'), ['a']);
    await service.shutdown();
  });

  it('waits for every exporter of every pipeline, through fan-out and mutating copies', async () => {
    const slow = deferred();
    gates.set('gate/fast', async () => {});
    gates.set('gate/slow', () => slow.promise);
    const service = await serviceOf({
      collectors: { manual: {} },
      processors: { rename: { suffix: '.x' } },
      exporters: { 'gate/fast': {}, 'gate/slow': {} },
      pipelines: {
        'metrics/plain': { collectors: ['manual'], exporters: ['gate/fast', 'gate/slow'] },
        'metrics/renamed': { collectors: ['manual'], processors: ['rename'], exporters: ['gate/fast'] },
      },
    });
    const handed = handOver(['a']);
    await until(() => (sent.get('gate/fast') ?? []).length === 2, 'both pipelines to reach the fast exporter');
    assert.deepEqual([...(sent.get('gate/fast') ?? [])].sort(), ['a', 'a.x']);
    assert.equal(await stateOf(handed.delivered), 'pending', 'the slow exporter has not answered');
    slow.resolve();
    await handed.delivered;
    await service.shutdown();
  });

  it('rejects with the exporter and the reason when one exporter fails for good', async () => {
    gates.set('gate/ok', async () => {});
    gates.set('gate/bad', async () => {
      throw permanentError('HTTP 400: bad batch.');
    });
    const service = await serviceOf({
      collectors: { manual: {} },
      exporters: { 'gate/ok': {}, 'gate/bad': {} },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['gate/ok', 'gate/bad'] } },
    });
    await assert.rejects(handOver(['a']).delivered, /Exporter gate\/bad did not deliver the batch: .*HTTP 400/);
    await service.shutdown();
  });

  it('waits through retries and resolves when a retry succeeds', async () => {
    let attempts = 0;
    gates.set('gate', async () => {
      attempts++;
      if (attempts < 3) throw retryableError('HTTP 503.');
    });
    const service = await serviceOf({
      collectors: { manual: {} },
      exporters: { gate: { retry_on_failure: { initial_interval: '5ms', max_interval: '10ms' } } },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['gate'] } },
    });
    await handOver(['a']).delivered;
    assert.equal(attempts, 3);
    await service.shutdown();
  });

  it('counts a batch filtered out entirely as delivered, and a partly filtered one when the rest is sent', async () => {
    const gate = deferred();
    gates.set('gate', () => gate.promise);
    const service = await serviceOf({
      collectors: { manual: {} },
      processors: { drop: {} },
      exporters: { gate: {} },
      pipelines: { metrics: { collectors: ['manual'], processors: ['drop'], exporters: ['gate'] } },
    });
    await handOver(['drop.me', 'drop.too']).delivered;
    const partly = handOver(['drop.me', 'keep']);
    assert.equal(await stateOf(partly.delivered), 'pending');
    gate.resolve();
    await partly.delivered;
    assert.deepEqual(sent.get('gate'), ['keep']);
    await service.shutdown();
  });

  it('follows new batch objects a processor hands on, even while it works on several batches', async () => {
    const gates_ = new Map<string, ReturnType<typeof deferred>>();
    gates.set('gate', (batch) => {
      const [name] = namesIn(batch);
      const gate = deferred();
      gates_.set(name as string, gate);
      return gate.promise;
    });
    const service = await serviceOf({
      collectors: { manual: {} },
      processors: { split: {} },
      exporters: { gate: { sending_queue: { num_consumers: 8 } } },
      pipelines: { metrics: { collectors: ['manual'], processors: ['split'], exporters: ['gate'] } },
    });
    // Two resources: two streams sent in parallel; the parts of one stream go one at a time.
    const first = handOver(['a1', 'a2'], 'host-a');
    const second = handOver(['b1'], 'host-b');
    await until(() => gates_.has('a1') && gates_.has('b1'), 'a1 and b1 to be exported');
    gates_.get('a1')?.resolve();
    gates_.get('b1')?.resolve();
    await until(() => gates_.has('a2'), 'a2 to be exported');
    // The split batches were made while both inputs were in the processor: b may wait for a's parts.
    assert.equal(await stateOf(first.delivered), 'pending', 'a2 is not sent yet');
    gates_.get('a2')?.resolve();
    await Promise.all([first.delivered, second.delivered]);
    await service.shutdown();
  });

  it('follows the parts the batch processor merges: one merged export settles them all', async () => {
    const gate = deferred();
    let exports = 0;
    gates.set('gate', () => {
      exports++;
      return gate.promise;
    });
    const service = await serviceOf({
      collectors: { manual: {} },
      processors: { batch: { send_batch_size: 3, timeout: '1h' } },
      exporters: { gate: {} },
      pipelines: { metrics: { collectors: ['manual'], processors: ['batch'], exporters: ['gate'] } },
    });
    const handed = [handOver(['a']), handOver(['b']), handOver(['c'])];
    await until(() => exports === 1, 'the merged export');
    for (const one of handed) assert.equal(await stateOf(one.delivered), 'pending');
    gate.resolve();
    await Promise.all(handed.map((one) => one.delivered));
    assert.equal(exports, 1);
    assert.deepEqual(sent.get('gate'), ['a', 'b', 'c']);

    // A merged batch that fails fails every batch merged into it.
    gates.set('gate', async () => {
      throw permanentError('HTTP 400.');
    });
    const failing = [handOver(['d']), handOver(['e']), handOver(['f'])];
    for (const one of failing) await assert.rejects(one.delivered, /HTTP 400/);
    await service.shutdown();
  });

  it('fails a batch a full queue drops (on_full: drop_newest) or evicts (drop_oldest)', async () => {
    for (const onFull of ['drop_newest', 'drop_oldest'] as const) {
      const gate = deferred();
      let exports = 0;
      gates.set('gate', () => {
        exports++;
        return gate.promise;
      });
      const service = await serviceOf({
        collectors: { manual: {} },
        exporters: { gate: { sending_queue: { queue_size: 1, num_consumers: 1, on_full: onFull } } },
        pipelines: { metrics: { collectors: ['manual'], exporters: ['gate'] } },
      });
      const inFlight = handOver(['a']);
      await until(() => exports === 1, 'a to be taken by the sender');
      const waiting = handOver(['b']);
      await waiting.accepted;
      const third = handOver(['c']);
      await third.accepted;
      const lost = onFull === 'drop_newest' ? third : waiting;
      await assert.rejects(lost.delivered, /did not deliver the batch: .*(full|evicted)/, onFull);

      gate.resolve();
      await inFlight.delivered;

      await (onFull === 'drop_newest' ? waiting : third).delivered;
      await service.shutdown();
    }
  });

  it('fails what an in-memory queue leaves unsent at shutdown', async () => {
    gates.set('gate', () => new Promise(() => {})); // hangs
    const service = await serviceOf({
      collectors: { manual: {} },
      exporters: { gate: { sending_queue: { num_consumers: 1, drain_timeout: '50ms' } } },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['gate'] } },
    });
    const first = handOver(['a']);
    const second = handOver(['b']);
    await second.accepted;
    await service.shutdown();
    await assert.rejects(first.delivered);
    await assert.rejects(second.delivered, /left unsent at shutdown/);
  });

  it('with storage: file, a batch is delivered once it is on disk', async () => {
    gates.set('gate', async () => {
      throw retryableError('connection refused.');
    });
    const service = await serviceOf({
      collectors: { manual: {} },
      exporters: { gate: { sending_queue: { storage: 'file', directory: 'queue', drain_timeout: '50ms' } } },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['gate'] } },
    });
    await handOver(['a']).delivered;
    assert.deepEqual(sent.get('gate'), [], 'the endpoint is down: nothing was sent');
    await service.shutdown();
  });

  it('fails the batch when a collector hands it to a pipeline that refuses it', async () => {
    gates.set('gate', async () => {});
    const service = await serviceOf({
      collectors: { manual: {} },
      exporters: { gate: {} },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['gate'] } },
    });
    const output = manualOutputs.get('manual');
    assert.ok(output);
    await service.shutdown();
    // After shutdown the exporter refuses new batches.
    const late = consumeAcknowledged(output, 'metrics', makeBatch(['late']));
    await late.accepted;
    await assert.rejects(late.delivered, /shutting down/);
  });
});
