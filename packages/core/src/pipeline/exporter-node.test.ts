import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Exporter, ExportOptions } from '../component/define.ts';
import { DEFAULT_SENDING_QUEUE, type SendingQueueConfig } from '../delivery/delivery-config.ts';
import { DEFAULT_RETRY, type RetryConfig } from '../delivery/retry.ts';
import { permanentError, retryableError } from '../errors/errors.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import { getPlatform } from '../platform/index.ts';
import { createLogger } from '../telemetry/logger.ts';
import { Telemetry } from '../telemetry/telemetry.ts';
import { makeBatch } from '../testing/components.test-support.ts';
import { ExporterNode } from './exporter-node.ts';

const FAST_RETRY: RetryConfig = { ...DEFAULT_RETRY, initial_interval: 10, max_interval: 40, randomization_factor: 0 };

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'wasmpipe-exporter-node-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Attempt {
  name: string;
  at: number;
}

/** An exporter whose answer to each attempt the test decides. */
function scriptedExporter(answer: (attempt: number, batch: MetricsBatch, options?: ExportOptions) => Promise<void>) {
  const attempts: Attempt[] = [];
  const delivered: string[] = [];
  const exporter: Exporter = {
    async exportMetrics(batch, options) {
      const name = batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.name ?? '';
      attempts.push({ name, at: performance.now() });
      await answer(attempts.length, batch, options);
      delivered.push(name);
    },
  };
  return { exporter, attempts, delivered };
}

function nodeFor(
  exporter: Exporter,
  queue: Partial<SendingQueueConfig> = {},
  retry: RetryConfig = FAST_RETRY,
): { node: ExporterNode; telemetry: Telemetry; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ format: 'json', level: 'info', write: (line) => lines.push(JSON.parse(line)) });
  const telemetry = new Telemetry();
  const node = new ExporterNode(
    'test',
    exporter,
    { ...DEFAULT_SENDING_QUEUE, ...queue },
    logger,
    telemetry.forComponent('test'),
    {
      retry,
      platform: getPlatform(),
    },
  );
  return { node, telemetry, lines };
}

/** Polls until `check` holds (a loaded machine may be slow), failing after 10 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > 10_000) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const host = { platform: getPlatform(), logger: createLogger({ write: () => {} }) };
const value = (telemetry: Telemetry, name: string) => telemetry.value('test', `wasmpipe.exporter.${name}`, 'metrics');

describe('ExporterNode delivery', () => {
  it('retries a retryable failure with backoff until it passes; logs once when failing and once when fixed', async () => {
    const { exporter, attempts } = scriptedExporter(async (attempt) => {
      if (attempt <= 3) throw retryableError('HTTP 503.');
    });
    const { node, telemetry, lines } = nodeFor(exporter);
    await node.start(host);
    await node.consumeMetrics(makeBatch(['a'], 4));
    await until(() => value(telemetry, 'sent') > 0, 'the batch to be sent');
    await node.shutdown();
    assert.equal(attempts.length, 4);
    const gaps = attempts.slice(1).map((attempt, index) => attempt.at - (attempts[index] as Attempt).at);
    assert.ok(gaps[0] !== undefined && gaps[0] >= 9, `first wait ~10ms, got ${gaps[0]}`);
    assert.ok(gaps[1] !== undefined && gaps[1] >= 14, `second wait ~15ms, got ${gaps[1]}`);
    assert.equal(value(telemetry, 'sent'), 4);
    assert.equal(value(telemetry, 'send_failed'), 0);
    assert.deepEqual(
      lines.map((line) => `${line['level']}: ${line['message']}`),
      [
        'warn: Exporting failed; retrying with backoff. Further failures are counted, not logged, until it works again.',
        'info: Exporting works again.',
      ],
    );
  });

  it('waits as long as Retry-After says, even past the backoff interval', async () => {
    const { exporter, attempts } = scriptedExporter(async (attempt) => {
      if (attempt === 1) throw retryableError('HTTP 429.', { retryAfterMs: 300 });
    });
    const { node, telemetry } = nodeFor(exporter);
    await node.start(host);
    await node.consumeMetrics(makeBatch(['a']));
    await until(() => value(telemetry, 'sent') > 0, 'the batch to be sent');
    await node.shutdown();
    assert.equal(attempts.length, 2);
    const gap = (attempts[1] as Attempt).at - (attempts[0] as Attempt).at;
    assert.ok(gap >= 295, `expected at least 300ms between attempts, got ${gap}`);
  });

  it('does not retry a permanent error: counts it as failed and logs it once', async () => {
    const { exporter, attempts } = scriptedExporter(async () => {
      throw permanentError('HTTP 400: bad data.');
    });
    const { node, telemetry, lines } = nodeFor(exporter);
    await node.start(host);
    await node.consumeMetrics(makeBatch(['a'], 2, 'A'));
    await node.consumeMetrics(makeBatch(['b'], 3, 'B'));
    await node.shutdown();
    assert.equal(attempts.length, 2);
    assert.equal(value(telemetry, 'send_failed'), 5);
    const errors = lines.filter((line) => line['level'] === 'error');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]?.['message']), /permanent error; the batch was dropped/);
    assert.equal(errors[0]?.['error'], 'HTTP 400: bad data.');
  });

  it('gives up after max_elapsed_time and counts the batch as failed', async () => {
    const { exporter, attempts } = scriptedExporter(async () => {
      throw retryableError('connection refused.');
    });
    // Waits of 10, 15, 22.5, 33.75, then 40 ms: about 25 attempts fit in 1 s, and at least three
    // even when a loaded machine fires the timers hundreds of milliseconds late.
    const { node, telemetry, lines } = nodeFor(exporter, {}, { ...FAST_RETRY, max_elapsed_time: 1000 });
    await node.start(host);
    await node.consumeMetrics(makeBatch(['a'], 3));
    await until(() => value(telemetry, 'send_failed') > 0, 'the batch to be given up');
    await node.shutdown();
    assert.equal(value(telemetry, 'send_failed'), 3);
    assert.ok(attempts.length >= 3, `expected a few attempts within 1s, got ${attempts.length}`);
    assert.ok(lines.some((line) => /past max_elapsed_time; the batch was dropped/.test(String(line['message']))));
  });

  it('shutdown interrupts a long backoff wait; an in-memory queue counts what it loses', async () => {
    const { exporter, attempts } = scriptedExporter(async () => {
      throw retryableError('connection refused.');
    });
    const { node, telemetry } = nodeFor(
      exporter,
      { num_consumers: 1 },
      { ...FAST_RETRY, initial_interval: 60_000, max_interval: 60_000 },
    );
    await node.start(host);
    await node.consumeMetrics(makeBatch(['a'], 2, 'A'));
    await node.consumeMetrics(makeBatch(['b'], 5, 'B'));
    await until(() => attempts.length === 1, 'the first attempt, and with it the 60s backoff');
    const started = performance.now();
    await node.shutdown();
    const took = performance.now() - started;
    assert.ok(took < 20_000, `shutdown took ${Math.round(took)}ms: it waited for the 60s backoff`);
    assert.equal(value(telemetry, 'send_failed'), 7, 'both batches are counted as lost');
    assert.equal(value(telemetry, 'sent'), 0);
  });

  it('shutdown aborts a request that outlives drain_timeout, even one that ignores the signal', async () => {
    let sawAbort = false;
    const { exporter } = scriptedExporter(async (_attempt, _batch, options) => {
      options?.signal.addEventListener('abort', () => {
        sawAbort = true;
      });
      await new Promise(() => {}); // hangs forever
    });
    const { node, telemetry } = nodeFor(exporter, { drain_timeout: 200 });
    await node.start(host);
    await node.consumeMetrics(makeBatch(['a'], 2));
    const started = performance.now();
    await node.shutdown();
    const took = performance.now() - started;
    // At least drain_timeout; the upper bound only says it did not hang with the request.
    assert.ok(took >= 190 && took < 20_000, `shutdown took ${took}ms; expected about 200ms`);
    assert.equal(sawAbort, true);
    assert.equal(value(telemetry, 'send_failed'), 2);
  });

  it('with storage: file, what shutdown could not send waits on disk and goes first on the next start', async () => {
    const directory = join(root, 'file-queue');
    const down = scriptedExporter(async () => {
      throw retryableError('connection refused.');
    });
    const first = nodeFor(down.exporter, { storage: 'file', directory, num_consumers: 1 });
    await first.node.start(host);
    for (const name of ['a', 'b', 'c']) await first.node.consumeMetrics(makeBatch([name], 2));
    await until(() => down.attempts.length > 0, 'batch a to be handed to the exporter');
    await first.node.shutdown();
    assert.equal(value(first.telemetry, 'send_failed'), 0, 'nothing is lost');
    const up = scriptedExporter(async () => {});
    const second = nodeFor(up.exporter, { storage: 'file', directory, num_consumers: 1 });
    await second.node.start(host);
    await second.node.consumeMetrics(makeBatch(['d'], 2));
    await second.node.shutdown();
    assert.deepEqual(up.delivered, ['a', 'b', 'c', 'd']);
    assert.equal(value(second.telemetry, 'sent'), 8);
    assert.equal(value(second.telemetry, 'redelivered'), 2, 'batch a had been handed to the exporter before');
  });

  it('keeps each stream in order through retries with several consumers', async () => {
    let calls = 0;
    const { exporter, delivered } = scriptedExporter(async () => {
      calls++;
      if (calls % 3 !== 0) throw retryableError('HTTP 503.');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    });
    const { node, telemetry } = nodeFor(
      exporter,
      { num_consumers: 4 },
      { ...FAST_RETRY, initial_interval: 1, max_interval: 5 },
    );
    await node.start(host);
    for (let index = 0; index < 20; index++) {
      for (const stream of ['A', 'B', 'C']) await node.consumeMetrics(makeBatch([`${stream}${index}`], 1, stream));
    }
    await until(() => value(telemetry, 'sent') === 60, 'every batch to be sent');
    await node.shutdown();
    assert.equal(delivered.length, 60);
    for (const stream of ['A', 'B', 'C']) {
      const order = delivered.filter((name) => name.startsWith(stream)).map((name) => Number(name.slice(1)));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `stream ${stream} out of order: ${order}`,
      );
    }
  });
});
