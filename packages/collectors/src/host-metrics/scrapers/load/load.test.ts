import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, namesOf, pointValue, readFixture } from '../../test-helpers.ts';
import { loadScraperConfig } from './metadata.ts';
import { parseLoadavg } from './parse-loadavg.ts';
import { createLoadScraper } from './scraper.ts';

const TIME = 1_700_000_100_000_000_000n;

function configOf(input: unknown) {
  const problems: Problem[] = [];
  const config = loadScraperConfig.parse(input, 'load', problems);
  assert.deepEqual(problems, []);
  return config!;
}

describe('parseLoadavg', () => {
  it('reads a captured /proc/loadavg', () => {
    assert.deepEqual(parseLoadavg(readFixture('loadavg.txt')), {
      load1: 2.92,
      load5: 1.78,
      load15: 1.4,
      runnable: 4,
      total: 131,
      lastPid: 5926,
    });
  });

  it('rejects anything else', () => {
    assert.throws(() => parseLoadavg('0.1 0.2\n'), /Unexpected \/proc\/loadavg: "0.1 0.2"/);
    assert.throws(() => parseLoadavg(''), /Unexpected/);
  });
});

describe('load scraper', () => {
  it('emits the three load averages as gauges without start time', async () => {
    const { environment } = fixtureEnvironment({ loadavg: readFixture('loadavg.txt') });
    const metrics = await createLoadScraper(configOf({}), environment).scrape(TIME);
    assert.deepEqual(namesOf(metrics), [
      'system.cpu.load_average.1m',
      'system.cpu.load_average.5m',
      'system.cpu.load_average.15m',
    ]);
    const oneMinute = metricNamed(metrics, 'system.cpu.load_average.1m');
    assert.equal(oneMinute.unit, '{thread}');
    assert.deepEqual(oneMinute.data, {
      type: 'gauge',
      dataPoints: [{ attributes: {}, timeUnixNano: TIME, value: 2.92, isInteger: false }],
    });
  });

  it('divides by the logical CPUs with cpu_average, and switches metrics off', async () => {
    const { environment } = fixtureEnvironment({
      loadavg: readFixture('loadavg.txt'),
      stat: readFixture('proc-stat-64cpu.txt'),
    });
    const config = configOf({ cpu_average: true, metrics: { 'system.cpu.load_average.5m': { enabled: false } } });
    const metrics = await createLoadScraper(config, environment).scrape(TIME);
    assert.deepEqual(namesOf(metrics), ['system.cpu.load_average.1m', 'system.cpu.load_average.15m']);
    assert.equal(pointValue(metricNamed(metrics, 'system.cpu.load_average.15m'), {}), 1.4 / 64);
  });
});
