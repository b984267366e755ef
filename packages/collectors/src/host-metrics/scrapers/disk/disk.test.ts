import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metric, Problem } from '@wasmpipe/core';
import { fixtureEnvironment, metricNamed, namesOf, pointOf, pointValue, readFixture } from '../../test-helpers.ts';
import { diskScraperConfig } from './metadata.ts';
import { parseDiskstats } from './parse-diskstats.ts';
import { createDiskScraper } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const FIRST = 1_700_000_100_000_000_000n;
const SECOND = 1_700_000_110_000_000_000n;
const THIRD = 1_700_000_120_000_000_000n;

function configOf(input: unknown) {
  const problems: Problem[] = [];
  const config = diskScraperConfig.parse(input, 'disk', problems);
  assert.deepEqual(problems, []);
  return config!;
}

const devicesOf = (metric: Metric) => [...new Set(metric.data.dataPoints.map((point) => point.attributes['device']))];

describe('parseDiskstats', () => {
  it('reads disks and their partitions with 17, 18 (flush) and 11 (old) counter columns', () => {
    const disks = parseDiskstats(readFixture('diskstats-partitions.txt'));
    assert.deepEqual(
      disks.map((disk) => disk.device),
      ['nvme0n1', 'nvme0n1p1', 'nvme0n1p2', 'sda', 'sda1', 'dm-0', 'md127', 'loop0', 'ram0', 'sr0'],
    );
    assert.deepEqual(disks[0], {
      major: 259,
      minor: 0,
      device: 'nvme0n1',
      readsCompleted: 1837566,
      readsMerged: 402841,
      sectorsRead: 101396302,
      readMillis: 435211,
      writesCompleted: 4519381,
      writesMerged: 2868023,
      sectorsWritten: 250347362,
      writeMillis: 3270993,
      inProgress: 0,
      ioMillis: 1964524,
      weightedIoMillis: 3816104,
      discardsCompleted: 0,
      discardsMerged: 0,
      sectorsDiscarded: 0,
      discardMillis: 0,
      flushesCompleted: 212312,
      flushMillis: 109899,
    });
    assert.equal(disks[3]?.inProgress, 2);
    assert.equal(disks[9]?.discardsCompleted, undefined);
    assert.equal(disks[9]?.weightedIoMillis, 3);
  });

  it('reads this VM (loop devices, vda, zram0)', () => {
    const disks = parseDiskstats(readFixture('diskstats-vm.txt'));
    assert.equal(disks.length, 10);
    assert.equal(disks.find((disk) => disk.device === 'vda')?.readsCompleted, 170361);
  });

  it('rejects short or non-numeric lines', () => {
    assert.throws(() => parseDiskstats('8 0 sda 1 2 3\n'), /Too few fields in \/proc\/diskstats: "8 0 sda 1 2 3"/);
    assert.throws(
      () => parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10 x\n'),
      /Expected a number in \/proc\/diskstats, got "x"/,
    );
  });
});

describe('disk scraper', () => {
  it('emits the seven contrib metrics per device, partitions included, loop and ram left out', async () => {
    const { environment } = fixtureEnvironment({ diskstats: readFixture('diskstats-partitions.txt') }, BOOT);
    const scraper = createDiskScraper(configOf({}), environment);
    const metrics = await scraper.scrape(FIRST);
    assert.deepEqual(namesOf(metrics), [
      'system.disk.io',
      'system.disk.operations',
      'system.disk.io_time',
      'system.disk.operation_time',
      'system.disk.weighted_io_time',
      'system.disk.pending_operations',
      'system.disk.merged',
    ]);
    const io = metricNamed(metrics, 'system.disk.io');
    assert.deepEqual(devicesOf(io), ['nvme0n1', 'nvme0n1p1', 'nvme0n1p2', 'sda', 'sda1', 'dm-0', 'md127', 'sr0']);
    assert.equal(pointValue(io, { device: 'nvme0n1', direction: 'read' }), 101396302 * 512);
    assert.equal(pointValue(io, { device: 'nvme0n1', direction: 'write' }), 250347362 * 512);
    assert.equal(pointOf(io, { device: 'sda1', direction: 'read' }).startTimeUnixNano, BOOT);
    assert.equal(
      pointValue(metricNamed(metrics, 'system.disk.operations'), { device: 'sda', direction: 'write' }),
      1203,
    );
    assert.equal(pointValue(metricNamed(metrics, 'system.disk.io_time'), { device: 'sda' }), 147.36);
    assert.equal(
      pointValue(metricNamed(metrics, 'system.disk.operation_time'), { device: 'nvme0n1', direction: 'read' }),
      435.211,
    );
    assert.equal(pointValue(metricNamed(metrics, 'system.disk.weighted_io_time'), { device: 'dm-0' }), 28721.256);
    const pending = metricNamed(metrics, 'system.disk.pending_operations');
    assert.equal(pointValue(pending, { device: 'sda' }), 2);
    assert.equal(pending.data.type === 'sum' && pending.data.isMonotonic, false);
    assert.equal(
      pointValue(metricNamed(metrics, 'system.disk.merged'), { device: 'nvme0n1', direction: 'write' }),
      2868023,
    );
  });

  it('filters devices by include and exclude, strict or regexp', async () => {
    const { environment } = fixtureEnvironment({ diskstats: readFixture('diskstats-partitions.txt') });
    const wholeDisks = configOf({
      include: { devices: ['^(nvme\\d+n\\d+|sd[a-z]+)$'], match_type: 'regexp' },
      metrics: { 'system.disk.io_time': { enabled: false } },
    });
    const metrics = await createDiskScraper(wholeDisks, environment).scrape(FIRST);
    assert.deepEqual(devicesOf(metricNamed(metrics, 'system.disk.io')), ['nvme0n1', 'sda']);
    assert.ok(!namesOf(metrics).includes('system.disk.io_time'));
    const everything = configOf({ exclude: { devices: [] } });
    assert.equal(
      devicesOf(metricNamed(await createDiskScraper(everything, environment).scrape(FIRST), 'system.disk.io')).length,
      10,
    );
    const strict = configOf({ exclude: { devices: ['sr0', 'loop0', 'ram0', 'md127'] } });
    assert.deepEqual(
      devicesOf(metricNamed(await createDiskScraper(strict, environment).scrape(FIRST), 'system.disk.io')),
      ['nvme0n1', 'nvme0n1p1', 'nvme0n1p2', 'sda', 'sda1', 'dm-0'],
    );
  });

  it('keeps the start time until a device resets or reappears', async () => {
    const line = (reads: number) => `8 0 sdb ${reads} 0 ${reads * 8} 1 0 0 0 0 0 1 1\n`;
    const { environment, files } = fixtureEnvironment({ diskstats: line(100) }, BOOT);
    const scraper = createDiskScraper(configOf({}), environment);
    const startOf = async (time: bigint) =>
      pointOf(metricNamed(await scraper.scrape(time), 'system.disk.operations'), { direction: 'read' })
        .startTimeUnixNano;
    assert.equal(await startOf(FIRST), BOOT);
    files['diskstats'] = line(150);
    assert.equal(await startOf(SECOND), BOOT);
    // Fewer reads than before: the disk was detached and attached again between the scrapes.
    files['diskstats'] = line(3);
    assert.equal(await startOf(THIRD), SECOND);
    assert.equal(await startOf(THIRD + 10n), SECOND);
    // Gone for a scrape, then back: it started after the last scrape that missed it.
    files['diskstats'] = '';
    assert.deepEqual(await scraper.scrape(THIRD + 20n), []);
    files['diskstats'] = line(1);
    assert.equal(await startOf(THIRD + 30n), THIRD + 20n);
  });

  it('reports an invalid regular expression with its path', () => {
    const problems: Problem[] = [];
    diskScraperConfig.parse({ include: { devices: ['sd[a-'], match_type: 'regexp' } }, 'scrapers.disk', problems);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.path, 'scrapers.disk.include.devices[0]');
    assert.match(problems[0]!.message, /^invalid regular expression: /);
  });
});
