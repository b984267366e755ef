import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, namesOf, pointOf, pointValue, readFixture } from '../../test-helpers.ts';
import { pagingScraperConfig } from './metadata.ts';
import { parseSwaps } from './parse-swaps.ts';
import { parseVmstat } from './parse-vmstat.ts';
import { createPagingScraper } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const TIME = 1_700_000_100_000_000_000n;

function configOf(input: unknown) {
  const problems: Problem[] = [];
  const config = pagingScraperConfig.parse(input, 'paging', problems);
  assert.deepEqual(problems, []);
  return config!;
}

describe('paging parsers', () => {
  it('refuses a swap line whose priority is not an integer (found by fuzzing: NaN priority)', () => {
    assert.throws(
      () => parseSwaps('Filename Type Size Used Priority\n/swapfile file 1 0 x\n'),
      /Unexpected line in \/proc\/swaps: "\/swapfile file 1 0 x"/,
    );
    assert.equal(parseSwaps('Filename Type Size Used Priority\n/swapfile file 1 0 -2\n')[0]?.priority, -2);
  });

  it('reads swap areas in bytes and unescapes their names', () => {
    assert.deepEqual(parseSwaps(readFixture('swaps-two-areas.txt')), [
      {
        device: '/dev/nvme0n1p3',
        type: 'partition',
        sizeBytes: 8388604 * 1024,
        usedBytes: 1048576 * 1024,
        priority: -2,
      },
      { device: '/var/swap file', type: 'file', sizeBytes: 2097148 * 1024, usedBytes: 0, priority: -3 },
    ]);
  });

  it('reads a host without swap (this VM) as no areas, and rejects a wrong header', () => {
    assert.deepEqual(parseSwaps(readFixture('swaps-none.txt')), []);
    assert.throws(() => parseSwaps('Name Size\n'), /Unexpected header in \/proc\/swaps/);
    assert.throws(
      () => parseSwaps('Filename Type Size Used Priority\n/dev/x partition lots 0 -2\n'),
      /Unexpected line/,
    );
  });

  it('reads every counter of a kernel 6 /proc/vmstat', () => {
    const vmstat = parseVmstat(readFixture('vmstat-kernel-6.txt'));
    assert.ok(Object.keys(vmstat).length > 150);
    for (const name of ['pgfault', 'pgmajfault', 'pgpgin', 'pgpgout', 'pswpin', 'pswpout']) {
      assert.equal(typeof vmstat[name], 'number', name);
    }
    assert.throws(() => parseVmstat('pgfault\n'), /Unexpected line in \/proc\/vmstat: "pgfault"/);
  });
});

describe('paging scraper', () => {
  const vmstat = 'pgpgin 6046529\npgpgout 9585940\npswpin 12\npswpout 34\npgfault 45331578\npgmajfault 4998\n';

  it('emits usage per area, operations and faults from boot, as contrib does', async () => {
    const { environment } = fixtureEnvironment({ swaps: readFixture('swaps-two-areas.txt'), vmstat }, BOOT);
    const metrics = await createPagingScraper(configOf({}), environment).scrape(TIME);
    assert.deepEqual(namesOf(metrics), ['system.paging.usage', 'system.paging.operations', 'system.paging.faults']);
    const usage = metricNamed(metrics, 'system.paging.usage');
    assert.equal(usage.data.dataPoints.length, 4);
    assert.equal(pointValue(usage, { device: '/dev/nvme0n1p3', state: 'used' }), 1048576 * 1024);
    assert.equal(pointValue(usage, { device: '/dev/nvme0n1p3', state: 'free' }), (8388604 - 1048576) * 1024);
    assert.equal(pointValue(usage, { device: '/var/swap file', state: 'free' }), 2097148 * 1024);
    assert.equal(pointOf(usage, { device: '/var/swap file', state: 'free' }).startTimeUnixNano, BOOT);
    const operations = metricNamed(metrics, 'system.paging.operations');
    assert.equal(pointValue(operations, { direction: 'page_in', type: 'major' }), 12);
    assert.equal(pointValue(operations, { direction: 'page_out', type: 'major' }), 34);
    assert.equal(pointValue(operations, { direction: 'page_in', type: 'minor' }), 6046529);
    assert.equal(pointValue(operations, { direction: 'page_out', type: 'minor' }), 9585940);
    const faults = metricNamed(metrics, 'system.paging.faults');
    assert.equal(pointValue(faults, { type: 'major' }), 4998);
    assert.equal(pointValue(faults, { type: 'minor' }), 45331578 - 4998);
    assert.equal(pointOf(faults, { type: 'minor' }).startTimeUnixNano, BOOT);
    assert.equal(faults.data.type === 'sum' && faults.data.isMonotonic, true);
  });

  it('computes utilization per area when enabled; no swap means no usage points', async () => {
    const { environment, files } = fixtureEnvironment({ swaps: readFixture('swaps-two-areas.txt'), vmstat });
    const config = configOf({
      metrics: {
        'system.paging.utilization': { enabled: true },
        'system.paging.operations': { enabled: false },
        'system.paging.faults': { enabled: false },
      },
    });
    const scraper = createPagingScraper(config, environment);
    const utilization = metricNamed(await scraper.scrape(TIME), 'system.paging.utilization');
    assert.equal(pointValue(utilization, { device: '/dev/nvme0n1p3', state: 'used' }), 1048576 / 8388604);
    assert.equal(pointValue(utilization, { device: '/var/swap file', state: 'free' }), 1);
    files['swaps'] = readFixture('swaps-none.txt');
    assert.deepEqual(await scraper.scrape(TIME), []);
  });

  it('fails when a counter it needs is missing', async () => {
    const { environment } = fixtureEnvironment({ swaps: readFixture('swaps-none.txt'), vmstat: 'pgfault 1\n' });
    await assert.rejects(createPagingScraper(configOf({}), environment).scrape(TIME), /No pswpin in \/proc\/vmstat/);
  });
});
