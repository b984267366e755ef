import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, DEFAULT_RETRY, sleep } from './retry.ts';

describe('Backoff', () => {
  it('grows by the multiplier up to max_interval, each wait within ± randomization_factor', () => {
    let now = 0;
    const waits: number[] = [];
    for (const random of [0, 1]) {
      const backoff = new Backoff(
        { ...DEFAULT_RETRY, max_elapsed_time: 0 },
        () => now,
        () => random,
      );
      waits.push(...Array.from({ length: 7 }, () => backoff.next() as number));
    }
    // Intervals 5, 7.5, 11.25, 16.875, 25.3125, 30, 30 s; random 0 gives half, random 1 one and a half.
    assert.deepEqual(waits.slice(0, 7), [2500, 3750, 5625, 8438, 12656, 15000, 15000]);
    assert.deepEqual(waits.slice(7), [7500, 11250, 16875, 25313, 37969, 45000, 45000]);
    now = 0;
  });

  it('waits at least as long as the peer asked (Retry-After)', () => {
    const backoff = new Backoff(
      DEFAULT_RETRY,
      () => 0,
      () => 0.5,
    );
    assert.equal(backoff.next(12_000), 12_000);
    assert.equal(backoff.next(10), 7500);
  });

  it('gives up when the next wait would pass max_elapsed_time', () => {
    let now = 0;
    const backoff = new Backoff(
      { ...DEFAULT_RETRY, max_elapsed_time: 10_000 },
      () => now,
      () => 0.5,
    );
    assert.equal(backoff.next(), 5000);
    now = 5000;
    assert.equal(backoff.next(), undefined, '5 s elapsed + 7.5 s > 10 s');
    const throttled = new Backoff(
      { ...DEFAULT_RETRY, max_elapsed_time: 10_000 },
      () => 0,
      () => 0.5,
    );
    assert.equal(throttled.next(60_000), undefined, 'a Retry-After past the limit gives up at once');
  });

  it('sleep resolves false at once when aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    assert.equal(await slept, false);
    assert.ok(performance.now() - started < 1000);
    assert.equal(await sleep(1), true);
  });
});
