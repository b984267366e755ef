import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Metric, Problem } from '@wasmpipe/core';
import type { FileSystemStats } from '../../host-files.ts';
import { fixtureEnvironment, metricNamed, namesOf, pointOf, pointValue, readFixture } from '../../test-helpers.ts';
import { filesystemScraperConfig } from './metadata.ts';
import { parseMountinfo } from './parse-mountinfo.ts';
import { createFilesystemScraper, filesystemUsage } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const TIME = 1_700_000_100_000_000_000n;

function configOf(input: unknown) {
  const problems: Problem[] = [];
  const config = filesystemScraperConfig.parse(input, 'filesystem', problems);
  assert.deepEqual(problems, []);
  return config!;
}

const disk = (blocks: number, free: number, available: number): FileSystemStats => ({
  blockSize: 4096,
  blocks,
  blocksFree: free,
  blocksAvailable: available,
  files: 1000,
  filesFree: 400,
});

const mountPointsOf = (metric: Metric) => [
  ...new Set(metric.data.dataPoints.map((point) => point.attributes['mountpoint'])),
];

/** Every mount of the docker host fixture, with sizes. */
const filesystems: Record<string, FileSystemStats> = {
  '/': disk(1_000_000, 300_000, 250_000),
  '/boot/efi': disk(130_000, 120_000, 120_000),
  '/mnt/backup disk': disk(5_000_000, 1_000_000, 1_000_000),
  '/srv/nfs': disk(10_000_000, 9_000_000, 9_000_000),
  '/data': disk(1_000_000, 300_000, 250_000),
  '/var/lib/docker/overlay2/8f1c9a/merged': disk(1_000_000, 300_000, 250_000),
  '/run': disk(400_000, 399_000, 399_000),
  '/snap/core20/2318': disk(16_000, 0, 0),
  '/proc': disk(0, 0, 0),
};

describe('parseMountinfo', () => {
  it('reads source, mount point, type and mode, unescaping paths, over optional fields', () => {
    const mounts = parseMountinfo(readFixture('mountinfo-docker-host.txt'));
    assert.equal(mounts.length, 14);
    assert.deepEqual(mounts[5], {
      device: '/dev/nvme0n1p2',
      mountPoint: '/',
      type: 'ext4',
      mode: 'rw',
      deviceNumber: '259:2',
    });
    assert.deepEqual(mounts[10], {
      device: '/dev/sda1',
      mountPoint: '/mnt/backup disk',
      type: 'xfs',
      mode: 'ro',
      deviceNumber: '8:1',
    });
    assert.equal(mounts[11]?.device, 'files.example.com:/export');
    assert.equal(mounts[13]?.type, 'overlay');
  });

  it('reads this VM, and rejects a line without the separator', () => {
    const mounts = parseMountinfo(readFixture('mountinfo-vm.txt'));
    assert.deepEqual(
      mounts.find((mount) => mount.mountPoint === '/'),
      {
        device: '/dev/vda',
        mountPoint: '/',
        type: 'ext4',
        mode: 'rw',
        deviceNumber: '254:0',
      },
    );
    assert.throws(() => parseMountinfo('1 2 3:4 / /x rw shared:1 ext4 /dev/x rw\n'), /Unexpected line in mountinfo/);
  });
});

describe('filesystemUsage', () => {
  it('splits the blocks into used, free (f_bavail) and reserved, adding up to the size', () => {
    const usage = filesystemUsage(disk(1_000_000, 300_000, 250_000));
    assert.deepEqual(usage, {
      usedBytes: 700_000 * 4096,
      freeBytes: 250_000 * 4096,
      reservedBytes: 50_000 * 4096,
      usedInodes: 600,
      freeInodes: 400,
    });
    assert.equal(usage.usedBytes + usage.freeBytes + usage.reservedBytes, 1_000_000 * 4096);
  });
});

describe('filesystem scraper', () => {
  const environmentOf = () =>
    fixtureEnvironment({ 'self/mountinfo': readFixture('mountinfo-docker-host.txt') }, BOOT, { filesystems })
      .environment;

  it('reports real file systems only by default: no proc, sysfs, tmpfs, cgroup or squashfs', async () => {
    const metrics = await createFilesystemScraper(configOf({}), environmentOf()).scrape(TIME);
    assert.deepEqual(namesOf(metrics), ['system.filesystem.usage', 'system.filesystem.inodes.usage']);
    const usage = metricNamed(metrics, 'system.filesystem.usage');
    assert.deepEqual(mountPointsOf(usage), [
      '/',
      '/boot/efi',
      '/mnt/backup disk',
      '/srv/nfs',
      '/data',
      '/var/lib/docker/overlay2/8f1c9a/merged',
    ]);
    const root = { device: '/dev/nvme0n1p2', mode: 'rw', mountpoint: '/', type: 'ext4' };
    assert.equal(pointValue(usage, { ...root, state: 'used' }), 700_000 * 4096);
    assert.equal(pointValue(usage, { ...root, state: 'free' }), 250_000 * 4096);
    assert.equal(pointValue(usage, { ...root, state: 'reserved' }), 50_000 * 4096);
    assert.equal(pointOf(usage, { ...root, state: 'used' }).startTimeUnixNano, BOOT);
    assert.equal(pointValue(usage, { mountpoint: '/mnt/backup disk', state: 'used' }), 4_000_000 * 4096);
    assert.equal(pointOf(usage, { mountpoint: '/mnt/backup disk', state: 'used' }).attributes['mode'], 'ro');
    const inodes = metricNamed(metrics, 'system.filesystem.inodes.usage');
    assert.equal(pointValue(inodes, { mountpoint: '/srv/nfs', state: 'used' }), 600);
    assert.equal(inodes.data.dataPoints.length, 6 * 2);
  });

  it('filters by type, device and mount point; virtual ones on request; utilization as df', async () => {
    const environment = environmentOf();
    const scrape = async (input: unknown) =>
      metricNamed(await createFilesystemScraper(configOf(input), environment).scrape(TIME), 'system.filesystem.usage');
    assert.deepEqual(mountPointsOf(await scrape({ include_fs_types: { fs_types: ['ext4', 'xfs'] } })), [
      '/',
      '/mnt/backup disk',
      '/data',
    ]);
    assert.deepEqual(
      mountPointsOf(
        await scrape({ exclude_mount_points: { mount_points: ['^/var/lib/docker/', '^/srv/'], match_type: 'regexp' } }),
      ),
      ['/', '/boot/efi', '/mnt/backup disk', '/data'],
    );
    assert.deepEqual(mountPointsOf(await scrape({ include_devices: { devices: ['/dev/nvme0n1p2'] } })), ['/', '/data']);
    const all = await scrape({
      include_virtual_filesystems: true,
      exclude_devices: { devices: ['udev', 'devpts', 'sysfs', 'securityfs', 'cgroup2'] },
    });
    assert.deepEqual(mountPointsOf(all).slice(0, 3), ['/proc', '/run', '/']);
    const utilization = metricNamed(
      await createFilesystemScraper(
        configOf({ metrics: { 'system.filesystem.utilization': { enabled: true } } }),
        environment,
      ).scrape(TIME),
      'system.filesystem.utilization',
    );
    assert.equal(pointValue(utilization, { mountpoint: '/' }), 700_000 / 950_000);
  });

  it('skips a mount whose statfs fails, says it once, and fails only when all fail', async () => {
    const { environment } = fixtureEnvironment({ 'self/mountinfo': readFixture('mountinfo-docker-host.txt') }, BOOT, {
      filesystems: { '/': disk(10, 5, 5) },
    });
    const skipped: string[] = [];
    const watched = { ...environment, skipped: (key: string) => skipped.push(key) };
    const usage = metricNamed(
      await createFilesystemScraper(configOf({}), watched).scrape(TIME),
      'system.filesystem.usage',
    );
    assert.deepEqual(mountPointsOf(usage), ['/']);
    assert.equal(skipped.length, 5);
    assert.ok(skipped.includes('filesystem /srv/nfs'));
    const none = configOf({ include_mount_points: { mount_points: ['/srv/nfs'] } });
    await assert.rejects(createFilesystemScraper(none, watched).scrape(TIME), /statfs failed for every mount \(1\)/);
  });

  it('gives up on a statfs that hangs after statfs_timeout', async () => {
    const { environment } = fixtureEnvironment({ 'self/mountinfo': readFixture('mountinfo-docker-host.txt') }, BOOT, {
      filesystems,
    });
    const hanging = {
      ...environment,
      files: {
        ...environment.files,
        statfs: (path: string) => (path === '/srv/nfs' ? new Promise<never>(() => {}) : environment.files.statfs(path)),
      },
    };
    const reasons: unknown[] = [];
    const watched = { ...hanging, skipped: (_key: string, _message: string, error: unknown) => reasons.push(error) };
    const usage = metricNamed(
      await createFilesystemScraper(configOf({ statfs_timeout: '30ms' }), watched).scrape(TIME),
      'system.filesystem.usage',
    );
    assert.equal(mountPointsOf(usage).length, 5);
    assert.match(String(reasons[0]), /statfs of \/srv\/nfs took longer than 30 ms/);
  });
});
