import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Input, NumberDataPoint, Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, pointValue, readFixture } from '../../test-helpers.ts';
import { cpuScraperConfig } from './metadata.ts';
import { createCpuScraper } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const FIRST = 1_700_000_100_000_000_000n;
const SECOND = 1_700_000_110_000_000_000n;

function configOf(input: Input<typeof cpuScraperConfig>) {
  const problems: Problem[] = [];
  const config = cpuScraperConfig.parse(input, 'cpu', problems);
  assert.deepEqual(problems, []);
  return config!;
}

describe('cpu scraper', () => {
  it('emits only system.cpu.time by default: 8 states per CPU, cumulative, monotonic, from boot', async () => {
    const { environment } = fixtureEnvironment({ stat: readFixture('proc-stat-64cpu.txt') }, BOOT);
    const metrics = await createCpuScraper(configOf({}), environment).scrape(FIRST);
    assert.deepEqual(
      metrics.map((metric) => metric.name),
      ['system.cpu.time'],
    );
    const time = metrics[0]!;
    assert.equal(time.unit, 's');
    assert.deepEqual(
      { ...time.data, dataPoints: [] },
      {
        type: 'sum',
        aggregationTemporality: 'cumulative',
        isMonotonic: true,
        dataPoints: [],
      },
    );
    assert.equal(time.data.dataPoints.length, 64 * 8);
    const point = time.data.dataPoints[0] as NumberDataPoint;
    assert.deepEqual(point, {
      attributes: { cpu: 'cpu0', state: 'user' },
      timeUnixNano: FIRST,
      startTimeUnixNano: BOOT,
      value: 1000,
      isInteger: false,
    });
    assert.equal(pointValue(time, { cpu: 'cpu63', state: 'idle' }), (900000 + 63 * 1009) / 100);
    assert.equal(pointValue(time, { cpu: 'cpu63', state: 'steal' }), 6.3);
  });

  it('computes utilization from two snapshots; none on the first scrape', async () => {
    const { environment, files } = fixtureEnvironment({ stat: readFixture('proc-stat-utilization-before.txt') });
    const config = configOf({ metrics: { 'system.cpu.utilization': { enabled: true } } });
    const scraper = createCpuScraper(config, environment);

    const first = await scraper.scrape(FIRST);
    assert.deepEqual(
      first.map((metric) => metric.name),
      ['system.cpu.time'],
    );

    files['stat'] = readFixture('proc-stat-utilization-after.txt');
    const second = await scraper.scrape(SECOND);
    const utilization = metricNamed(second, 'system.cpu.utilization');
    assert.equal(utilization.unit, '1');
    assert.equal(utilization.data.type, 'gauge');
    assert.equal(utilization.data.dataPoints.length, 2 * 8);
    assert.equal((utilization.data.dataPoints[0] as NumberDataPoint).startTimeUnixNano, undefined);
    // cpu0: 400 ticks elapsed, 200 of them user, 20 iowait, 10 irq.
    assert.equal(pointValue(utilization, { cpu: 'cpu0', state: 'user' }), 0.5);
    assert.equal(pointValue(utilization, { cpu: 'cpu0', state: 'wait' }), 0.05);
    assert.equal(pointValue(utilization, { cpu: 'cpu0', state: 'interrupt' }), 0.025);
    // cpu1: 1000 ticks elapsed, 650 idle, 20 steal.
    assert.equal(pointValue(utilization, { cpu: 'cpu1', state: 'idle' }), 0.65);
    assert.equal(pointValue(utilization, { cpu: 'cpu1', state: 'steal' }), 0.02);
  });

  it('skips utilization for a CPU that came online between scrapes', async () => {
    const { environment, files } = fixtureEnvironment({ stat: 'cpu0 1 0 1 8 0 0 0 0 0 0\nbtime 1\n' });
    const scraper = createCpuScraper(
      configOf({ metrics: { 'system.cpu.utilization': { enabled: true } } }),
      environment,
    );
    await scraper.scrape(FIRST);
    files['stat'] = 'cpu0 2 0 2 14 0 0 0 0 0 0\ncpu1 5 0 5 5 0 0 0 0 0 0\nbtime 1\n';
    const utilization = metricNamed(await scraper.scrape(SECOND), 'system.cpu.utilization');
    assert.deepEqual(new Set(utilization.data.dataPoints.map((point) => point.attributes['cpu'])), new Set(['cpu0']));
    assert.equal(pointValue(utilization, { cpu: 'cpu0', state: 'idle' }), 0.75);
  });

  it('counts logical CPUs when enabled, and can turn system.cpu.time off', async () => {
    const { environment } = fixtureEnvironment({ stat: readFixture('proc-stat-64cpu.txt') }, BOOT);
    const config = configOf({
      metrics: { 'system.cpu.time': { enabled: false }, 'system.cpu.logical.count': { enabled: true } },
    });
    const metrics = await createCpuScraper(config, environment).scrape(FIRST);
    assert.deepEqual(metrics, [
      {
        name: 'system.cpu.logical.count',
        description: 'Number of online logical CPUs.',
        unit: '{cpu}',
        data: {
          type: 'sum',
          aggregationTemporality: 'cumulative',
          isMonotonic: false,
          dataPoints: [{ attributes: {}, timeUnixNano: FIRST, startTimeUnixNano: BOOT, value: 64, isInteger: true }],
        },
      },
    ]);
  });

  it('reports every state, zero for columns an old kernel lacks', async () => {
    const { environment } = fixtureEnvironment({ stat: readFixture('proc-stat-kernel-2.6.9-no-steal.txt') });
    const time = metricNamed(await createCpuScraper(configOf({}), environment).scrape(FIRST), 'system.cpu.time');
    assert.equal(time.data.dataPoints.length, 2 * 8);
    assert.equal(pointValue(time, { cpu: 'cpu0', state: 'steal' }), 0);
    assert.equal(pointValue(time, { cpu: 'cpu0', state: 'softirq' }), 4.38);
  });

  it('fails when /proc/stat has no CPU line or cannot be read', async () => {
    const empty = fixtureEnvironment({ stat: 'intr 0\n' });
    await assert.rejects(createCpuScraper(configOf({}), empty.environment).scrape(FIRST), /No cpuN line/);
    const missing = fixtureEnvironment({});
    await assert.rejects(createCpuScraper(configOf({}), missing.environment).scrape(FIRST), /ENOENT/);
  });
});
