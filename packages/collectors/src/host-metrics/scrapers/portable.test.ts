import assert from 'node:assert/strict';
import { cpus, totalmem } from 'node:os';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, namesOf, pointValue } from '../test-helpers.ts';
import { scrapersConfig } from './index.ts';
import { PORTABLE_SCRAPERS } from './portable.ts';

const TIME = BigInt(Date.now()) * 1_000_000n;

describe('portable scrapers (a platform without /proc)', () => {
  const problems: Problem[] = [];
  const config = scrapersConfig.parse(
    {
      cpu: { metrics: { 'system.cpu.utilization': { enabled: true }, 'system.cpu.logical.count': { enabled: true } } },
      memory: { metrics: { 'system.memory.limit': { enabled: true } } },
      load: {},
      system: {},
    },
    'scrapers',
    problems,
  )!;
  const { environment } = fixtureEnvironment({});

  it('exist for cpu, memory, load and system only', () => {
    assert.deepEqual(Object.keys(PORTABLE_SCRAPERS), ['cpu', 'memory', 'load', 'system']);
    assert.deepEqual(problems, []);
  });

  it('report CPU time per CPU from os.cpus(), and utilization from the second scrape', async () => {
    const scraper = PORTABLE_SCRAPERS.cpu!(config.cpu!, environment);
    const first = await scraper.scrape(TIME);
    assert.deepEqual(namesOf(first), ['system.cpu.time', 'system.cpu.logical.count']);
    assert.equal(metricNamed(first, 'system.cpu.time').data.dataPoints.length, cpus().length * 5);
    assert.equal(pointValue(metricNamed(first, 'system.cpu.logical.count'), {}), cpus().length);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await scraper.scrape(TIME + 50_000_000n);
    const utilization = metricNamed(second, 'system.cpu.utilization');
    for (const point of utilization.data.dataPoints) {
      const value = (point as { value: number }).value;
      assert.ok(value >= 0 && value <= 1, `${value}`);
    }
  });

  it('report memory, load and uptime', async () => {
    const memory = await PORTABLE_SCRAPERS.memory!(config.memory!, environment).scrape(TIME);
    assert.equal(pointValue(metricNamed(memory, 'system.memory.limit'), {}), totalmem());
    const usage = metricNamed(memory, 'system.memory.usage');
    assert.equal(pointValue(usage, { state: 'used' }) + pointValue(usage, { state: 'free' }), totalmem());
    const load = await PORTABLE_SCRAPERS.load!(config.load!, environment).scrape(TIME);
    assert.equal(load.length, 3);
    const system = await PORTABLE_SCRAPERS.system!(config.system!, environment).scrape(TIME);
    assert.ok(pointValue(metricNamed(system, 'system.uptime'), {}) > 0);
  });
});
