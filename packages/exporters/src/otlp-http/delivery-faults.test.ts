// Delivery under faults, end to end: a collector, the runtime's sending queue and retry, the
// otlp_http exporter, real loopback sockets, and a receiver that decodes with the official
// schema and misbehaves on purpose. Each test counts what was produced against what arrived.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { compileConfig, createRegistry, formatProblems, getPlatform, Service, silentLogger } from '@wasmpipe/core';
import { type OtlpSink, type ReceivedPoint, startOtlpSink } from '../testing/otlp-sink.ts';
import { numberedBatch, sequenceCollector, sequenceOutputs } from '../testing/sequence-collector.ts';
import { otlpHttpExporter } from './factory.ts';

const platform = { ...getPlatform(), env: () => undefined };
const sinks: OtlpSink[] = [];
const services: Service[] = [];
after(async () => {
  for (const service of services) await service.shutdown();
  for (const sink of sinks) await sink.close();
});

async function sink(): Promise<OtlpSink> {
  const started = await startOtlpSink();
  sinks.push(started);
  return started;
}

/** A running pipeline `sequence → otlp_http`, and how to push and read its counters. */
async function pipeline(exporter: Record<string, unknown>) {
  const registry = createRegistry(sequenceCollector, otlpHttpExporter);
  const result = await compileConfig(
    {
      collectors: { sequence: {} },
      exporters: { otlp_http: exporter },
      pipelines: { metrics: { collectors: ['sequence'], exporters: ['otlp_http'] } },
    },
    { registry, platform, configDirectory: '.' },
  );
  assert.ok(result.ok, result.ok ? '' : formatProblems(result.problems));
  const service = new Service(result.config, { platform, logger: silentLogger });
  services.push(service);
  await service.start();
  const consumer = sequenceOutputs.get('sequence');
  assert.ok(consumer?.consumeMetrics);
  return {
    service,
    push: (stream: string, first: number, count: number) =>
      consumer.consumeMetrics?.(numberedBatch(stream, first, count)) as Promise<void>,
    value: (name: string) => service.telemetry.value('otlp_http', `wasmpipe.exporter.${name}`, 'metrics'),
    queueSize: () => service.telemetry.value('otlp_http', 'wasmpipe.exporter.queue.size'),
  };
}

async function until(check: () => boolean, what: string, timeout = 20_000): Promise<void> {
  const deadline = performance.now() + timeout;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each stream's sequence numbers in arrival order. */
function byStream(points: readonly ReceivedPoint[]): Map<string, number[]> {
  const streams = new Map<string, number[]>();
  for (const point of points) {
    const list = streams.get(point.stream) ?? [];
    list.push(point.sequence);
    streams.set(point.stream, list);
  }
  return streams;
}

const range = (count: number) => Array.from({ length: count }, (_, index) => index);
const fastRetry = { initial_interval: '20ms', max_interval: '200ms', max_elapsed_time: 0 };

describe('otlp_http delivery under faults', () => {
  test('endpoint down for a while, then back: everything queued arrives, in order per stream, nothing lost', async () => {
    const receiver = await sink();
    await receiver.down();
    const { service, push, value, queueSize } = await pipeline({
      endpoint: receiver.url,
      retry_on_failure: fastRetry,
      sending_queue: { num_consumers: 4 },
    });
    for (let batch = 0; batch < 20; batch++) {
      for (const stream of ['a', 'b', 'c']) await push(stream, batch * 5, 5);
    }
    await sleep(500);
    assert.equal(receiver.points.length, 0);
    assert.ok(queueSize() > 0, 'the batches wait in the queue while the endpoint is down');
    await receiver.up();
    await until(() => receiver.points.length >= 300, 'all 300 points to arrive');
    await service.shutdown();
    const streams = byStream(receiver.points);
    for (const stream of ['a', 'b', 'c']) assert.deepEqual(streams.get(stream), range(100), `stream ${stream}`);
    assert.equal(receiver.points.length, 300, 'no duplicates');
    assert.deepEqual([value('sent'), value('send_failed'), value('enqueue_failed')], [300, 0, 0]);
  });

  test('429 with Retry-After: the next attempt waits as long as the receiver asked', async () => {
    const receiver = await sink();
    receiver.answer((attempt) => (attempt === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 'accept'));
    const { push, value } = await pipeline({ endpoint: receiver.url, retry_on_failure: fastRetry });
    await push('a', 0, 5);
    await until(() => receiver.points.length === 5, 'the batch to arrive');
    const gap = (receiver.arrivals[1] as number) - (receiver.arrivals[0] as number);
    assert.ok(gap >= 950, `the retry came ${Math.round(gap)}ms after the 429; Retry-After said 1s`);
    await until(() => value('sent') === 5, 'the answer to be counted');
  });

  test('503 storm: the waits between attempts grow, then the batch is delivered once', async () => {
    const receiver = await sink();
    receiver.answer((attempt) => (attempt <= 6 ? { status: 503 } : 'accept'));
    const { push, value } = await pipeline({
      endpoint: receiver.url,
      retry_on_failure: {
        initial_interval: '20ms',
        max_interval: '1s',
        multiplier: 2,
        randomization_factor: 0,
        max_elapsed_time: 0,
      },
    });
    await push('a', 0, 5);
    await until(() => receiver.points.length === 5, 'the batch to arrive');
    const gaps = receiver.arrivals.slice(1).map((at, index) => at - (receiver.arrivals[index] as number));
    assert.equal(gaps.length, 6);
    [20, 40, 80, 160, 320, 640].forEach((expected, index) => {
      assert.ok(
        (gaps[index] as number) >= expected * 0.9,
        `wait ${index + 1} was ${Math.round(gaps[index] as number)}ms, expected ${expected}ms`,
      );
    });
    await until(() => value('sent') === 5, 'the answer to be counted');
    assert.equal(value('send_failed'), 0);
  });

  test('a hung endpoint: each request is abandoned at timeout and retried until it is answered', async () => {
    const receiver = await sink();
    receiver.answer((attempt) => (attempt <= 2 ? 'hang' : 'accept'));
    // The client's 300 ms start before the sink sees the request arrive (in this same busy process),
    // so the gap between arrivals is 300 ms + the 150 ms retry wait, give or take how much later
    // the first arrival was seen than the second: 100 ms of that is allowed for a loaded machine.
    const { push, value } = await pipeline({
      endpoint: receiver.url,
      timeout: '300ms',
      retry_on_failure: { ...fastRetry, initial_interval: '150ms', randomization_factor: 0 },
    });
    await push('a', 0, 5);
    await until(() => receiver.points.length === 5, 'the batch to arrive');
    const gap = (receiver.arrivals[1] as number) - (receiver.arrivals[0] as number);
    assert.ok(
      gap >= 350,
      `the second attempt came ${Math.round(gap)}ms after the first; the timeout is 300ms, the retry wait 150ms`,
    );
    await until(() => receiver.abandoned === 2, 'the client to close both hung requests');
    await until(() => value('sent') === 5, 'the answer to be counted');
    assert.equal(value('send_failed'), 0);
  });

  test("queue full with block: the collector is slowed to the receiver's pace and nothing is lost", async () => {
    const receiver = await sink();
    receiver.answer(() => ({ acceptAfterMs: 50 }));
    const { push, value, service } = await pipeline({
      endpoint: receiver.url,
      sending_queue: { queue_size: 10, num_consumers: 1, on_full: 'block' },
    });
    const started = performance.now();
    for (let batch = 0; batch < 20; batch++) await push('a', batch * 5, 5);
    const pushing = performance.now() - started;
    // Two batches fit in the queue and one is in flight; the other 17 each wait for a 50ms answer.
    assert.ok(pushing >= 17 * 50 * 0.9, `pushing 20 batches took ${Math.round(pushing)}ms: no backpressure`);
    await until(() => receiver.points.length === 100, 'all 100 points');
    await service.shutdown();
    assert.deepEqual(byStream(receiver.points).get('a'), range(100));
    assert.deepEqual([value('sent'), value('enqueue_failed'), value('send_failed')], [100, 0, 0]);
  });

  test('queue full with drop_oldest: the collector never waits, and every dropped point is counted', async () => {
    const receiver = await sink();
    await receiver.down();
    const { push, value, queueSize, service } = await pipeline({
      endpoint: receiver.url,
      retry_on_failure: fastRetry,
      sending_queue: { queue_size: 20, num_consumers: 2, on_full: 'drop_oldest' },
    });
    // The receiver stays down, so room never comes: had a push waited for it, it would not end.
    // The generous limit only turns such a hang into a failure; a loaded machine may be slow.
    const pushing = (async () => {
      for (let batch = 0; batch < 20; batch++) await push('a', batch * 5, 5);
    })();
    let limit: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<boolean>((resolve) => {
      limit = setTimeout(() => resolve(true), 20_000);
    });
    assert.equal(await Promise.race([pushing.then(() => false), waited]), false, 'pushing waited for room');
    clearTimeout(limit);
    assert.equal(receiver.points.length, 0, 'the receiver was down all along');
    assert.equal(queueSize(), 20);
    await receiver.up();
    await until(
      () => queueSize() === 0 && value('sent') === receiver.points.length && receiver.points.length > 0,
      'the queue to empty',
    );
    await service.shutdown();
    const received = byStream(receiver.points).get('a') ?? [];
    assert.equal(
      received.length + value('enqueue_failed'),
      100,
      'every point either arrived or was counted as dropped',
    );
    assert.ok(
      value('enqueue_failed') >= 70,
      `at most one batch in flight and four queued survive; dropped ${value('enqueue_failed')}`,
    );
    assert.deepEqual(
      received.slice(-20),
      range(20).map((index) => 80 + index),
      'the newest points survive',
    );
    assert.deepEqual(
      received,
      [...received].sort((a, b) => a - b),
      'still in order',
    );
    assert.equal(value('send_failed'), 0);
  });
});
