import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Input, NumberDataPoint, Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, pointValue, readFixture } from '../../test-helpers.ts';
import { memoryScraperConfig } from './metadata.ts';
import { createMemoryScraper } from './scraper.ts';

const KIB = 1024;
const BOOT = 1_700_000_000_000_000_000n;
const NOW = 1_700_000_100_000_000_000n;

function configOf(input: Input<typeof memoryScraperConfig>) {
  const problems: Problem[] = [];
  const config = memoryScraperConfig.parse(input, 'memory', problems);
  assert.deepEqual(problems, []);
  return config!;
}

async function scrape(input: Input<typeof memoryScraperConfig>, fixture = 'meminfo-round-numbers.txt') {
  const { environment } = fixtureEnvironment({ meminfo: readFixture(fixture) }, BOOT);
  return createMemoryScraper(configOf(input), environment).scrape(NOW);
}

describe('memory scraper', () => {
  it('emits only system.memory.usage by default, six states, a non-monotonic int sum from boot', async () => {
    const metrics = await scrape({});
    assert.deepEqual(
      metrics.map((metric) => metric.name),
      ['system.memory.usage'],
    );
    const usage = metrics[0]!;
    assert.equal(usage.unit, 'By');
    assert.equal(usage.data.type, 'sum');
    assert.equal(usage.data.type === 'sum' && usage.data.isMonotonic, false);
    assert.equal(usage.data.type === 'sum' && usage.data.aggregationTemporality, 'cumulative');
    assert.deepEqual(
      usage.data.dataPoints.map((point) => point.attributes['state']),
      ['used', 'free', 'buffered', 'cached', 'slab_reclaimable', 'slab_unreclaimable'],
    );
    assert.deepEqual(usage.data.dataPoints[0], {
      attributes: { state: 'used' },
      timeUnixNano: NOW,
      startTimeUnixNano: BOOT,
      value: 500_000 * KIB,
      isInteger: true,
    });
    assert.equal(pointValue(usage, { state: 'cached' }), 130_000 * KIB);
  });

  it('honours used_calculation', async () => {
    const usage = metricNamed(
      await scrape({ used_calculation: 'total_minus_free_buffers_cached' }),
      'system.memory.usage',
    );
    assert.equal(pointValue(usage, { state: 'used' }), 450_000 * KIB);
  });

  it('emits utilization, available and limit when enabled, and usage can be turned off', async () => {
    const metrics = await scrape({
      metrics: {
        'system.memory.usage': { enabled: false },
        'system.memory.utilization': { enabled: true },
        'system.linux.memory.available': { enabled: true },
        'system.memory.limit': { enabled: true },
      },
    });
    assert.deepEqual(
      metrics.map((metric) => metric.name),
      ['system.memory.utilization', 'system.linux.memory.available', 'system.memory.limit'],
    );
    const utilization = metricNamed(metrics, 'system.memory.utilization');
    assert.equal(utilization.data.type, 'gauge');
    assert.equal((utilization.data.dataPoints[0] as NumberDataPoint).startTimeUnixNano, undefined);
    assert.equal(pointValue(utilization, { state: 'used' }), 0.5);
    assert.equal(pointValue(utilization, { state: 'free' }), 0.4);
    assert.equal(pointValue(utilization, { state: 'cached' }), 0.13);
    assert.equal(pointValue(utilization, { state: 'slab_unreclaimable' }), 0.02);
    assert.equal(pointValue(metricNamed(metrics, 'system.linux.memory.available'), {}), 500_000 * KIB);
    const limit = metricNamed(metrics, 'system.memory.limit');
    assert.deepEqual(limit.data.dataPoints, [
      { attributes: {}, timeUnixNano: NOW, startTimeUnixNano: BOOT, value: 1_000_000 * KIB, isInteger: true },
    ]);
  });

  it('leaves the slab states out on a kernel without SReclaimable', async () => {
    const usage = metricNamed(await scrape({}, 'meminfo-kernel-2.6.18-no-sreclaimable.txt'), 'system.memory.usage');
    assert.deepEqual(
      usage.data.dataPoints.map((point) => point.attributes['state']),
      ['used', 'free', 'buffered', 'cached'],
    );
  });

  it('reads the meminfo captured on this machine', async () => {
    const usage = metricNamed(await scrape({}, 'meminfo-kernel-6.txt'), 'system.memory.usage');
    assert.equal(pointValue(usage, { state: 'used' }), (24684084 - 24420272) * KIB);
    assert.equal(pointValue(usage, { state: 'cached' }), (70788 + 26816) * KIB);
  });
});
