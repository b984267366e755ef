import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../component/registry.ts';
import { compileConfig } from '../config/compile.ts';
import { formatProblems } from '../config/problems.ts';
import { countDataPoints } from '../model/batch.ts';
import { getPlatform } from '../platform/index.ts';
import { batchProcessor } from '../processors/batch.ts';
import { createLogger, type Logger, silentLogger } from '../telemetry/logger.ts';
import {
  makeBatch,
  manualCollector,
  manualOutputs,
  recorded,
  recordingExporter,
  renameProcessor,
} from '../testing/components.test-support.ts';
import { Service } from './service.ts';

const registry = createRegistry(manualCollector, renameProcessor, batchProcessor, recordingExporter);

async function serviceOf(raw: unknown, logger: Logger = silentLogger): Promise<Service> {
  const result = await compileConfig(raw, { registry, platform: getPlatform(), configDirectory: '.' });
  assert.ok(result.ok, result.ok ? '' : formatProblems(result.problems));
  return new Service(result.config, { platform: getPlatform(), logger });
}

const push = (id: string, names: string[], points = 1) => {
  const output = manualOutputs.get(id);
  assert.ok(output?.consumeMetrics, `collector ${id} is not running`);
  return output.consumeMetrics(makeBatch(names, points));
};

const namesOf = (exporterId: string) =>
  (recorded.get(exporterId) ?? []).flatMap((batch) =>
    batch.resourceMetrics.flatMap((resource) =>
      resource.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
    ),
  );

describe('Service', () => {
  it('drains every queue on shutdown: all accepted points reach a slow exporter', async () => {
    const service = await serviceOf({
      collectors: { manual: {} },
      processors: { batch: { send_batch_size: 7, timeout: '1h' } },
      exporters: { recording: { delay: '20ms', sending_queue: { queue_size: 2, num_consumers: 1 } } },
      pipelines: { metrics: { collectors: ['manual'], processors: ['batch'], exporters: ['recording'] } },
    });
    await service.start();
    for (let index = 0; index < 10; index++) await push('manual', [`m${index}`], 3);
    // 30 points accepted; the batch processor still holds some and the queue is not empty.
    await service.shutdown();
    const received = (recorded.get('recording') ?? []).reduce((sum, batch) => sum + countDataPoints(batch), 0);
    assert.equal(received, 30);
    assert.equal(service.telemetry.value('manual', 'wasmpipe.collector.accepted', 'metrics'), 30);
    assert.equal(service.telemetry.value('recording', 'wasmpipe.exporter.sent', 'metrics'), 30);
    assert.equal(service.telemetry.value('recording', 'wasmpipe.exporter.queue.size'), 0);
    assert.equal(service.state, 'stopped');
  });

  it('applies backpressure: a collector waits while the exporter queue is full', async () => {
    const service = await serviceOf({
      collectors: { manual: {} },
      // Long enough that 'a' is still being sent when the test looks, even on a loaded machine.
      exporters: { recording: { delay: '300ms', sending_queue: { queue_size: 1, num_consumers: 1 } } },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['recording'] } },
    });
    await service.start();
    await push('manual', ['a']); // taken by the sender at once
    await push('manual', ['b']); // fills the queue
    let thirdDone = false;
    const third = push('manual', ['c']).then(() => {
      thirdDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 15));
    assert.equal(thirdDone, false, 'the third push must wait for room');
    await third;
    await service.shutdown();
    assert.deepEqual(namesOf('recording'), ['a', 'b', 'c']);
  });

  it('counts batches dropped by a full queue under on_full: drop', async () => {
    const service = await serviceOf({
      collectors: { manual: {} },
      // 'a' is sent, 'b' waits, and 'c' and 'd' find the queue full unless 300ms pass between pushes.
      exporters: {
        recording: { delay: '300ms', sending_queue: { queue_size: 1, num_consumers: 1, on_full: 'drop' } },
      },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['recording'] } },
    });
    await service.start();
    for (const name of ['a', 'b', 'c', 'd']) await push('manual', [name], 2);
    await service.shutdown();
    const sent = service.telemetry.value('recording', 'wasmpipe.exporter.sent', 'metrics');
    const dropped = service.telemetry.value('recording', 'wasmpipe.exporter.enqueue_failed', 'metrics');
    assert.equal(sent + dropped, 8, 'every point is either sent or counted as dropped');
    assert.ok(dropped >= 2);
  });

  it('fans out to two pipelines, copying for the one that mutates, and fans in to a shared exporter', async () => {
    const service = await serviceOf({
      collectors: { manual: {} },
      processors: { rename: { suffix: '.renamed' } },
      exporters: { 'recording/plain': {}, 'recording/renamed': {} },
      pipelines: {
        metrics: { collectors: ['manual'], exporters: ['recording/plain'] },
        'metrics/renamed': {
          collectors: ['manual'],
          processors: ['rename'],
          exporters: ['recording/renamed', 'recording/plain'],
        },
      },
    });
    await service.start();
    await push('manual', ['x']);
    await service.shutdown();
    assert.deepEqual(namesOf('recording/renamed'), ['x.renamed']);
    assert.deepEqual(namesOf('recording/plain').sort(), ['x', 'x.renamed']);
    assert.equal(service.telemetry.value('rename', 'wasmpipe.processor.incoming', 'metrics'), 1);
    assert.equal(service.telemetry.value('rename', 'wasmpipe.processor.outgoing', 'metrics'), 1);
  });

  it('counts failed sends, logs the failure once rather than per batch, and keeps running', async () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', write: (line) => lines.push(line) });
    const service = await serviceOf(
      {
        collectors: { manual: {} },
        exporters: { recording: { fail: true } },
        pipelines: { metrics: { collectors: ['manual'], exporters: ['recording'] } },
      },
      logger,
    );
    await service.start();
    await push('manual', ['a', 'b']);
    await push('manual', ['c']);
    await push('manual', ['d']);
    await service.shutdown();
    assert.equal(service.telemetry.value('recording', 'wasmpipe.exporter.send_failed', 'metrics'), 4);
    const errors = lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'error');
    assert.equal(errors.length, 1, `one error line expected, got ${errors.length}`);
    assert.equal(errors[0]['component.id'], 'recording');
    assert.match(errors[0].error, /told to fail/);
  });

  it('shuts down idempotently, and without start', async () => {
    const raw = {
      collectors: { manual: {} },
      exporters: { recording: {} },
      pipelines: { metrics: { collectors: ['manual'], exporters: ['recording'] } },
    };
    const neverStarted = await serviceOf(raw);
    await neverStarted.shutdown();
    assert.equal(neverStarted.state, 'stopped');
    const service = await serviceOf(raw);
    await service.start();
    await Promise.all([service.shutdown(), service.shutdown()]);
    await service.shutdown();
    assert.equal(service.state, 'stopped');
  });
});
