import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, pointValue, readFixture } from '../../test-helpers.ts';
import { cpuScraperConfig } from './metadata.ts';
import { countPhysicalCores, parseCpuinfo } from './parse-cpuinfo.ts';
import { createCpuScraper } from './scraper.ts';

describe('parseCpuinfo', () => {
  it('leaves out a cpu MHz that is not a number (found by fuzzing: NaN frequency)', () => {
    assert.deepEqual(parseCpuinfo('processor\t: 0\ncpu MHz\t\t: x\n'), [{ processor: 0 }]);
    assert.deepEqual(parseCpuinfo('processor\t: 0\ncpu MHz\t\t: 2596.142\n'), [{ processor: 0, megahertz: 2596.142 }]);
  });

  it('reads the frequency and core of each CPU of this VM', () => {
    assert.deepEqual(parseCpuinfo(readFixture('cpuinfo-2cpu.txt')), [
      { processor: 0, megahertz: 2596.142, physicalId: '0', coreId: '0' },
      { processor: 1, megahertz: 2596.142, physicalId: '0', coreId: '1' },
    ]);
  });

  it('counts cores over sockets and hyper-threads, and nothing without core ids (ARM)', () => {
    const twoSocketsHyperThreaded = [0, 1, 2, 3, 4, 5, 6, 7].map((processor) => ({
      processor,
      physicalId: String(Math.floor(processor / 4)),
      coreId: String(processor % 2),
    }));
    assert.equal(countPhysicalCores(twoSocketsHyperThreaded), 4);
    assert.equal(countPhysicalCores(parseCpuinfo('processor\t: 0\nBogoMIPS\t: 48.00\n\nprocessor\t: 1\n')), undefined);
  });
});

describe('cpu scraper with cpuinfo metrics', () => {
  it('emits the physical count and each frequency in Hz when enabled', async () => {
    const problems: Problem[] = [];
    const config = cpuScraperConfig.parse(
      { metrics: { 'system.cpu.physical.count': { enabled: true }, 'system.cpu.frequency': { enabled: true } } },
      'cpu',
      problems,
    )!;
    const { environment } = fixtureEnvironment({
      stat: readFixture('proc-stat-2cpu.txt'),
      cpuinfo: readFixture('cpuinfo-2cpu.txt'),
    });
    const metrics = await createCpuScraper(config, environment).scrape(1_700_000_100_000_000_000n);
    assert.equal(pointValue(metricNamed(metrics, 'system.cpu.physical.count'), {}), 2);
    assert.equal(pointValue(metricNamed(metrics, 'system.cpu.frequency'), { cpu: 'cpu1' }), 2596.142e6);
    assert.deepEqual(problems, []);
  });

  it('does not read /proc/cpuinfo when they are off', async () => {
    const problems: Problem[] = [];
    const { environment, reads } = fixtureEnvironment({ stat: readFixture('proc-stat-2cpu.txt') });
    await createCpuScraper(cpuScraperConfig.parse({}, 'cpu', problems)!, environment).scrape(1n);
    assert.ok(!reads.includes('/proc/cpuinfo'));
  });
});
