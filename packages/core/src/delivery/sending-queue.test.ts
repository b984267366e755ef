import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsBatch } from '../model/metrics.ts';
import { makeBatch } from '../testing/components.test-support.ts';
import { MemoryStorage } from './memory-storage.ts';
import type { QueueEntry } from './queue-storage.ts';
import { type OnFull, SendingQueue, type Taken } from './sending-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function queueOf(capacity: number, onFull: OnFull = 'block', sizer: 'items' | 'bytes' | 'requests' = 'items') {
  const evicted: QueueEntry[] = [];
  const queue = new SendingQueue({
    capacity,
    sizer,
    onFull,
    storage: new MemoryStorage(),
    onEvicted: (entry) => evicted.push(entry),
  });
  return { queue, evicted };
}

const nameOf = (taken: Taken | undefined) => {
  assert.ok(taken && 'batch' in taken);
  return (taken.batch as MetricsBatch).resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.name;
};

describe('SendingQueue', () => {
  it('gives every batch its own id, equal content or not, and the same id on every take', async () => {
    const { queue } = queueOf(100);
    const batch = makeBatch(['same'], 1, 'A');
    await queue.push('metrics', batch);
    await queue.push('metrics', makeBatch(['same'], 1, 'A'));
    const first = (await queue.take()) as Taken;
    await queue.release(first.entry, 'removed');
    const second = (await queue.take()) as Taken;
    assert.match(first.entry.id ?? '', /^[0-9a-f]{24}-1$/);
    assert.match(second.entry.id ?? '', /^[0-9a-f]{24}-2$/);
    // Another queue (another exporter, another process) has another prefix.
    const other = queueOf(100).queue;
    await other.push('metrics', batch);
    const third = (await other.take()) as Taken;
    assert.notEqual(third.entry.id?.split('-')[0], first.entry.id?.split('-')[0]);
  });

  it('never hands out two batches of one stream at once, and keeps each stream in order', async () => {
    const { queue } = queueOf(100);
    await queue.push('metrics', makeBatch(['a1'], 1, 'A'));
    await queue.push('metrics', makeBatch(['a2'], 1, 'A'));
    await queue.push('metrics', makeBatch(['b1'], 1, 'B'));
    await queue.push('metrics', makeBatch(['b2'], 1, 'B'));
    const first = await queue.take();
    const second = await queue.take();
    assert.deepEqual([nameOf(first), nameOf(second)], ['a1', 'b1'], 'a2 waits for a1; b1 goes in parallel');
    let third: Taken | undefined;
    const waiting = queue.take().then((taken) => {
      third = taken;
    });
    await tick();
    assert.equal(third, undefined, 'both streams are in flight: nothing may be handed out');
    await queue.release((second as Taken).entry, 'removed');
    await waiting;
    assert.equal(nameOf(third), 'b2', 'b2 follows b1, still ahead of nothing of stream A');
    await queue.release((first as Taken).entry, 'removed');
    assert.equal(nameOf(await queue.take()), 'a2');
  });

  it('makes producers wait while full under block, counting waiting batches only', async () => {
    const { queue } = queueOf(2);
    assert.equal(await queue.push('metrics', makeBatch(['a'], 2, 'A')), 'accepted');
    let second: string | undefined;
    const pending = queue.push('metrics', makeBatch(['b'], 1, 'B')).then((result) => {
      second = result;
    });
    await tick();
    assert.equal(second, undefined);
    assert.equal(queue.size, 2);
    const taken = await queue.take();
    await pending;
    assert.equal(second, 'accepted');
    assert.equal(queue.size, 1, 'the batch being sent no longer counts');
    await queue.release((taken as Taken).entry, 'removed');
  });

  it('takes a batch larger than the whole capacity when nothing waits', async () => {
    const { queue } = queueOf(3, 'drop_newest');
    assert.equal(await queue.push('metrics', makeBatch(['big'], 10)), 'accepted');
    assert.equal(await queue.push('metrics', makeBatch(['next'], 1)), 'refused');
    assert.equal(queue.size, 10);
  });

  it('drop_oldest evicts the oldest waiting batches, exactly as many as needed', async () => {
    const { queue, evicted } = queueOf(4, 'drop_oldest');
    for (const name of ['a', 'b', 'c', 'd']) await queue.push('metrics', makeBatch([name], 1, name));
    assert.equal(await queue.push('metrics', makeBatch(['e'], 3, 'e')), 'accepted');
    assert.deepEqual(
      evicted.map((entry) => entry.items),
      [1, 1, 1],
    );
    assert.equal(queue.size, 4);
    assert.deepEqual([nameOf(await queue.take()), nameOf(await queue.take())], ['d', 'e']);
  });

  it('counts requests or estimated bytes when told to', async () => {
    const requests = queueOf(2, 'drop_newest', 'requests').queue;
    assert.equal(await requests.push('metrics', makeBatch(['a'], 50)), 'accepted');
    assert.equal(await requests.push('metrics', makeBatch(['b'], 50)), 'accepted');
    assert.equal(await requests.push('metrics', makeBatch(['c'], 1)), 'refused');
    const bytes = queueOf(1000, 'drop_newest', 'bytes').queue;
    assert.equal(await bytes.push('metrics', makeBatch(['a'], 1)), 'accepted');
    assert.ok(bytes.size > 50 && bytes.size < 400, `a one-point batch is about 100 bytes, got ${bytes.size}`);
    assert.equal(await bytes.push('metrics', makeBatch(['b'], 100)), 'refused');
  });

  it('close refuses new batches and still hands out the queued ones, then undefined', async () => {
    const { queue } = queueOf(1);
    await queue.push('metrics', makeBatch(['a'], 1, 'A'));
    const blocked = queue.push('metrics', makeBatch(['b'], 1, 'B'));
    queue.close();
    assert.equal(await blocked, 'closed');
    assert.equal(await queue.push('metrics', makeBatch(['c'])), 'closed');
    const taken = await queue.take();
    assert.equal(nameOf(taken), 'a');
    await queue.release((taken as Taken).entry, 'removed');
    assert.equal(await queue.take(), undefined);
  });

  it('stop wakes waiting senders with undefined', async () => {
    const { queue } = queueOf(1);
    const waiting = queue.take();
    await tick();
    queue.stop();
    assert.equal(await waiting, undefined);
  });
});
