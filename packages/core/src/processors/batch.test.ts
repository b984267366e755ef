import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countDataPoints } from '../model/batch.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import { getPlatform } from '../platform/index.ts';
import { createLogger, silentLogger } from '../telemetry/logger.ts';
import { Telemetry } from '../telemetry/telemetry.ts';
import { makeBatch } from '../testing/components.test-support.ts';
import { batchProcessor } from './batch.ts';

function create(config: { send_batch_size: number; timeout: number }) {
  const out: MetricsBatch[] = [];
  const context = {
    id: 'batch',
    logger: silentLogger,
    telemetry: new Telemetry().forComponent('batch'),
    platform: getPlatform(),
    configDirectory: '.',
    signal: 'metrics' as const,
  };
  const processor = batchProcessor.create(config, context, {
    consumeMetrics: async (batch) => {
      out.push(batch);
    },
  });
  return { processor: processor as Awaited<typeof processor>, out };
}

describe('batch processor', () => {
  it('sends once send_batch_size items arrived, merging batches without copying', async () => {
    const { processor, out } = create({ send_batch_size: 5, timeout: 60_000 });
    const first = makeBatch(['a'], 2);
    await processor.consumeMetrics?.(first);
    await processor.consumeMetrics?.(makeBatch(['b'], 2));
    assert.equal(out.length, 0);
    await processor.consumeMetrics?.(makeBatch(['c'], 2));
    assert.equal(out.length, 1);
    assert.equal(countDataPoints(out[0] as MetricsBatch), 6);
    assert.equal(out[0]?.resourceMetrics[0], first.resourceMetrics[0], 'resources are moved, not copied');
    await processor.shutdown?.();
  });

  it('sends a partial batch after the timeout', async () => {
    const { processor, out } = create({ send_batch_size: 100, timeout: 20 });
    await processor.consumeMetrics?.(makeBatch(['a'], 1));
    assert.equal(out.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(out.length, 1);
    await processor.shutdown?.();
  });

  it('sends what it holds on shutdown', async () => {
    const { processor, out } = create({ send_batch_size: 100, timeout: 60_000 });
    await processor.consumeMetrics?.(makeBatch(['a', 'b'], 3));
    await processor.shutdown?.();
    assert.equal(
      out.reduce((sum, batch) => sum + countDataPoints(batch), 0),
      6,
    );
  });
});

describe('batch processor failures', () => {
  it('counts a batch refused downstream as dropped, logs it once, and keeps batching', async () => {
    const lines: string[] = [];
    const telemetry = new Telemetry();
    const logger = createLogger({ format: 'json', write: (line) => lines.push(line) });
    const context = {
      id: 'batch',
      logger,
      telemetry: telemetry.forComponent('batch'),
      platform: getPlatform(),
      configDirectory: '.',
      signal: 'metrics' as const,
    };
    let refuse = true;
    const taken: MetricsBatch[] = [];
    const processor = await batchProcessor.create({ send_batch_size: 2, timeout: 60_000 }, context, {
      consumeMetrics: async (batch) => {
        if (refuse) throw new Error('downstream is closed');
        taken.push(batch);
      },
    });
    await processor.consumeMetrics?.(makeBatch(['a'], 2));
    await processor.consumeMetrics?.(makeBatch(['b'], 3));
    refuse = false;
    await processor.consumeMetrics?.(makeBatch(['c'], 2));
    assert.equal(telemetry.value('batch', 'wasmpipe.processor.dropped', 'metrics'), 5);
    assert.equal(taken.length, 1);
    assert.equal(lines.filter((line) => line.includes('"level":"error"')).length, 1);
    await processor.shutdown?.();
  });
});
