import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../../test-helpers.ts';
import { computeMemoryUsage } from './memory-usage.ts';
import { parseMeminfo } from './parse-meminfo.ts';

const KIB = 1024;
const roundNumbers = parseMeminfo(readFixture('meminfo-round-numbers.txt'));
const oldKernel = parseMeminfo(readFixture('meminfo-kernel-2.6.18-no-sreclaimable.txt'));

describe('computeMemoryUsage', () => {
  it('computes used as MemTotal - MemAvailable by default, and cached as Cached + SReclaimable', () => {
    assert.deepEqual(computeMemoryUsage(roundNumbers), {
      total: 1_000_000 * KIB,
      free: 400_000 * KIB,
      buffered: 20_000 * KIB,
      cached: (100_000 + 30_000) * KIB,
      slabReclaimable: 30_000 * KIB,
      slabUnreclaimable: 20_000 * KIB,
      available: 500_000 * KIB,
      availableEstimated: false,
      used: (1_000_000 - 500_000) * KIB,
    });
  });

  it('computes used as MemTotal - MemFree - Buffers - Cached - SReclaimable on request', () => {
    const usage = computeMemoryUsage(roundNumbers, 'total_minus_free_buffers_cached');
    assert.equal(usage.used, (1_000_000 - 400_000 - 20_000 - 130_000) * KIB);
    // With this rule used, free, buffered and cached add up to the total exactly.
    assert.equal(usage.used + usage.free + usage.buffered + usage.cached, usage.total);
  });

  it('overshoots the total by (free + buffered + cached) - available with the default rule', () => {
    const usage = computeMemoryUsage(roundNumbers);
    const sum = usage.used + usage.free + usage.buffered + usage.cached;
    assert.equal(sum - usage.total, 50_000 * KIB);
    assert.equal(sum - usage.total, usage.free + usage.buffered + usage.cached - usage.available);
  });

  it('estimates available as MemFree + Cached without MemAvailable or SReclaimable (kernel 2.6.18)', () => {
    const usage = computeMemoryUsage(oldKernel);
    assert.equal(usage.slabReclaimable, undefined);
    assert.equal(usage.slabUnreclaimable, undefined);
    assert.equal(usage.cached, 4_567_800 * KIB);
    assert.equal(usage.available, (1_234_560 + 4_567_800) * KIB);
    assert.equal(usage.availableEstimated, true);
    assert.equal(usage.used, (8_165_632 - 5_802_360) * KIB);
    assert.equal(computeMemoryUsage(oldKernel, 'total_minus_free_buffers_cached').used, 2_017_672 * KIB);
  });

  it('clamps a negative used to 0', () => {
    const odd = parseMeminfo('MemTotal: 100 kB\nMemFree: 90 kB\nBuffers: 20 kB\nCached: 10 kB\nMemAvailable: 120 kB\n');
    assert.equal(computeMemoryUsage(odd).used, 0);
    assert.equal(computeMemoryUsage(odd, 'total_minus_free_buffers_cached').used, 0);
  });

  it('fails without MemTotal', () => {
    assert.throws(() => computeMemoryUsage(parseMeminfo('MemFree: 1 kB\n')), /MemTotal is missing or zero/);
    assert.throws(() => computeMemoryUsage(parseMeminfo('MemTotal: 0 kB\n')), /MemTotal is missing or zero/);
  });
});
