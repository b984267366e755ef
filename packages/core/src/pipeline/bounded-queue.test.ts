import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedQueue } from './bounded-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('BoundedQueue', () => {
  it('makes a producer wait while it is full, and lets it go when an item is taken', async () => {
    const queue = new BoundedQueue<number>(2);
    assert.equal(await queue.push(1), 'accepted');
    assert.equal(await queue.push(2), 'accepted');
    let third: string | undefined;
    const pending = queue.push(3).then((result) => {
      third = result;
    });
    await tick();
    assert.equal(third, undefined, 'the third push must wait: the queue is full');
    assert.equal(queue.size, 2);
    assert.equal(await queue.take(), 1);
    await pending;
    assert.equal(third, 'accepted');
    assert.deepEqual([await queue.take(), await queue.take()], [2, 3]);
  });

  it('refuses the newest item when full under drop_newest', async () => {
    const queue = new BoundedQueue<number>(1, 'drop_newest');
    assert.equal(await queue.push(1), 'accepted');
    assert.equal(await queue.push(2), 'dropped');
    assert.equal(queue.size, 1);
  });

  it('hands an item straight to a waiting consumer', async () => {
    const queue = new BoundedQueue<string>(1);
    const taken = queue.take();
    await queue.push('a');
    assert.equal(await taken, 'a');
  });

  it('after close, refuses new items but still gives out queued ones, then undefined', async () => {
    const queue = new BoundedQueue<number>(3);
    await queue.push(1);
    await queue.push(2);
    queue.close();
    assert.equal(await queue.push(3), 'closed');
    assert.deepEqual([await queue.take(), await queue.take(), await queue.take()], [1, 2, undefined]);
  });

  it('wakes blocked producers on close with closed', async () => {
    const queue = new BoundedQueue<number>(1);
    await queue.push(1);
    const blocked = queue.push(2);
    queue.close();
    assert.equal(await blocked, 'closed');
  });

  it('keeps order over many items', async () => {
    const queue = new BoundedQueue<number>(4);
    const taken: number[] = [];
    const consumer = (async () => {
      for (let item = await queue.take(); item !== undefined; item = await queue.take()) taken.push(item);
    })();
    for (let index = 0; index < 5000; index++) await queue.push(index);
    queue.close();
    await consumer;
    assert.equal(taken.length, 5000);
    assert.ok(taken.every((value, index) => value === index));
  });

  it('rejects a capacity that is not a positive integer', () => {
    assert.throws(() => new BoundedQueue(0), /positive integer/);
  });
});
