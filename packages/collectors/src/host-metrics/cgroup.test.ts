import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import {
  cgroupCpuUtilization,
  cgroupMemory,
  findOwnCgroup,
  parseCgroupV2Path,
  parseCpuMax,
  parseFlatKeyed,
  parseMemoryMax,
} from './cgroup.ts';
import { cpuScraperConfig } from './scrapers/cpu/metadata.ts';
import { createCpuScraper } from './scrapers/cpu/scraper.ts';
import { memoryScraperConfig } from './scrapers/memory/metadata.ts';
import { createMemoryScraper } from './scrapers/memory/scraper.ts';
import { fixtureEnvironment, metricNamed, namesOf, pointValue, readFixture } from './test-helpers.ts';

const BOOT = 1_700_000_000_000_000_000n;
const FIRST = 1_700_000_100_000_000_000n;
const SECOND = 1_700_000_110_000_000_000n;
const CONTAINER = '/sys/fs/cgroup';

const cgroupFile = (name: string) => readFixture(`cgroup-v2-container/${name}`);

/** A container with a private cgroup namespace: its own cgroup is mounted at /sys/fs/cgroup. */
function containerFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'self/cgroup': '0::/\n',
    stat: readFixture('proc-stat-2cpu.txt'),
    meminfo: readFixture('meminfo-kernel-6.txt'),
  };
  for (const name of ['cgroup.controllers', 'memory.max', 'memory.current', 'memory.stat', 'cpu.max', 'cpu.stat']) {
    files[`${CONTAINER}/${name}`] = cgroupFile(name);
  }
  return files;
}

function parse<T>(
  schema: { parse(value: unknown, path: string, problems: Problem[]): T | undefined },
  input: unknown,
): T {
  const problems: Problem[] = [];
  const config = schema.parse(input, 'scraper', problems);
  assert.deepEqual(problems, []);
  return config as T;
}

describe('cgroup v2 parsers', () => {
  it('finds the cgroup path, and reads limits', () => {
    assert.equal(parseCgroupV2Path('0::/system.slice/nginx.service\n'), '/system.slice/nginx.service');
    assert.equal(parseCgroupV2Path('12:memory:/docker/abc\n1:name=systemd:/docker/abc\n'), undefined);
    assert.equal(parseMemoryMax(cgroupFile('memory.max')), 512 * 1024 * 1024);
    assert.equal(parseMemoryMax('max\n'), undefined);
    assert.equal(parseCpuMax(cgroupFile('cpu.max')), 1.5);
    assert.equal(parseCpuMax('max 100000\n'), undefined);
    assert.throws(() => parseCpuMax('lots\n'), /Unexpected cpu.max: "lots"/);
    assert.equal(parseFlatKeyed(cgroupFile('cpu.stat'), 'cpu.stat')['user_usec'], 31021540);
  });

  it('finds its own directory only on a cgroup v2 host', () => {
    const { environment } = fixtureEnvironment(containerFiles());
    assert.equal(findOwnCgroup(environment.files), CONTAINER);
    const hybrid = fixtureEnvironment({ 'self/cgroup': '4:memory:/x\n0::/\n' });
    // The unified hierarchy is mounted elsewhere on a hybrid host such as this one: nothing to read.
    assert.equal(findOwnCgroup(hybrid.environment.files), undefined);
  });

  it('splits memory as Agent v2 did: used without the page cache, free up to the limit', () => {
    const memory = cgroupMemory(1000, 600, { file: 200 }, 4000);
    assert.deepEqual(memory, { limit: 1000, used: 400, cached: 200, free: 400 });
    assert.equal(cgroupMemory(8000, 600, { file: 200 }, 4000).limit, 4000);
  });

  it('computes CPU utilization against the limit', () => {
    // 1.5 CPUs for 10 s is 15 CPU seconds; 3 s user and 1.5 s system were used.
    assert.deepEqual(cgroupCpuUtilization({ user: 10, system: 5 }, { user: 13, system: 6.5 }, 10, 1.5), {
      user: 0.2,
      system: 0.1,
    });
  });
});

describe('cpu and memory scrapers inside a limited cgroup', () => {
  it('report the memory of the cgroup against memory.max', async () => {
    const { environment } = fixtureEnvironment(containerFiles(), BOOT);
    const scraper = createMemoryScraper(
      parse(memoryScraperConfig, {
        metrics: { 'system.memory.limit': { enabled: true }, 'system.memory.utilization': { enabled: true } },
      }),
      { ...environment, cgroupDirectory: CONTAINER },
    );
    const metrics = await scraper.scrape(FIRST);
    const usage = metricNamed(metrics, 'system.memory.usage');
    assert.deepEqual(
      usage.data.dataPoints.map((point) => point.attributes['state']),
      ['used', 'free', 'cached'],
    );
    assert.equal(pointValue(usage, { state: 'used' }), 241172480 - 83886080);
    assert.equal(pointValue(usage, { state: 'cached' }), 83886080);
    assert.equal(pointValue(usage, { state: 'free' }), 536870912 - 241172480);
    assert.equal(pointValue(metricNamed(metrics, 'system.memory.limit'), {}), 536870912);
    assert.equal(
      pointValue(metricNamed(metrics, 'system.memory.utilization'), { state: 'used' }),
      (241172480 - 83886080) / 536870912,
    );
  });

  it('report the cgroup CPU time, its limit, and utilization against it', async () => {
    const { environment, files } = fixtureEnvironment(containerFiles(), BOOT);
    const config = parse(cpuScraperConfig, { metrics: { 'system.cpu.utilization': { enabled: true } } });
    const scraper = createCpuScraper(config, { ...environment, cgroupDirectory: CONTAINER });
    const first = await scraper.scrape(FIRST);
    assert.deepEqual(namesOf(first), ['system.cpu.time', 'system.cpu.limit']);
    const time = metricNamed(first, 'system.cpu.time');
    assert.equal(pointValue(time, { state: 'user' }), 31.02154);
    assert.equal(time.data.dataPoints.length, 2);
    assert.equal(pointValue(metricNamed(first, 'system.cpu.limit'), {}), 1.5);
    // 10 s later: 3 s more user time, 1.5 s more system time, on a limit of 1.5 CPUs.
    files[`${CONTAINER}/cpu.stat`] = 'usage_usec 52713377\nuser_usec 34021540\nsystem_usec 18691837\n';
    const utilization = metricNamed(await scraper.scrape(SECOND), 'system.cpu.utilization');
    assert.ok(Math.abs(pointValue(utilization, { state: 'user' }) - 0.2) < 1e-12);
    assert.ok(Math.abs(pointValue(utilization, { state: 'system' }) - 0.1) < 1e-12);
  });

  it('report the host when the cgroup has no limit', async () => {
    const files = containerFiles();
    files[`${CONTAINER}/cpu.max`] = 'max 100000\n';
    files[`${CONTAINER}/memory.max`] = 'max\n';
    const { environment } = fixtureEnvironment(files, BOOT);
    const inside = { ...environment, cgroupDirectory: CONTAINER };
    const time = metricNamed(
      await createCpuScraper(parse(cpuScraperConfig, {}), inside).scrape(FIRST),
      'system.cpu.time',
    );
    assert.equal(time.data.dataPoints.length, 2 * 8);
    const usage = metricNamed(
      await createMemoryScraper(parse(memoryScraperConfig, {}), inside).scrape(FIRST),
      'system.memory.usage',
    );
    assert.ok(usage.data.dataPoints.some((point) => point.attributes['state'] === 'buffered'));
  });
});
