import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import { PIDS, processTree } from '../../../process/procfs/fixture-tree.test-support.ts';
import { createHostFiles } from '../../host-files.ts';
import type { ResourceGroup, ScraperEnvironment } from '../../scraper.ts';
import { fixtureEnvironment, metricNamed, namesOf, pointOf, pointValue } from '../../test-helpers.ts';
import { processScraperConfig } from './metadata.ts';
import { createProcessScraper } from './scraper.ts';

const BOOT = 1_700_000_000_000_000_000n;
const FIRST = 1_700_003_300_000_000_000n;

function configOf(input: unknown) {
  const problems: Problem[] = [];
  const config = processScraperConfig.parse(input, 'process', problems);
  assert.deepEqual(problems, []);
  return config!;
}

async function scrape(input: unknown, environment: ScraperEnvironment, time = FIRST): Promise<ResourceGroup[]> {
  return createProcessScraper(configOf(input), environment).scrapeResources!(time);
}

const pidsOf = (groups: ResourceGroup[]) => groups.map((group) => group.attributes['process.pid']);

describe('process scraper on a fixture /proc', () => {
  const environmentOf = () => {
    const { files, host } = processTree();
    return fixtureEnvironment(files, BOOT, host).environment;
  };

  it('reports every process by default, one resource each, with contrib resource attributes', async () => {
    const groups = await scrape({}, environmentOf());
    assert.deepEqual(pidsOf(groups), [PIDS.kthreadd, PIDS.odd, PIDS.long, PIDS.master, PIDS.worker]);
    const worker = groups[4]!;
    assert.deepEqual(worker.attributes, {
      'process.pid': PIDS.worker,
      'process.parent_pid': PIDS.master,
      'process.executable.name': 'nginx',
      'process.executable.path': '/usr/sbin/nginx',
      'process.command': 'nginx: worker process',
      'process.command_line': 'nginx: worker process',
      'process.owner': 'nobody',
    });
    assert.deepEqual(namesOf(worker.metrics), [
      'process.cpu.time',
      'process.memory.usage',
      'process.memory.virtual',
      'process.disk.io',
    ]);
    const cpu = metricNamed(worker.metrics, 'process.cpu.time');
    assert.deepEqual(
      cpu.data.dataPoints.map((point) => point.attributes['state']),
      ['user', 'system', 'wait'],
    );
    // Started 325802 ticks after boot.
    assert.equal(pointOf(cpu, { state: 'user' }).startTimeUnixNano, BOOT + 325_802n * 10_000_000n);
    assert.equal(pointValue(metricNamed(worker.metrics, 'process.memory.usage'), {}), 3704 * 1024);
    assert.equal(pointValue(metricNamed(worker.metrics, 'process.memory.virtual'), {}), 11796480);
    assert.equal(pointValue(metricNamed(worker.metrics, 'process.disk.io'), { direction: 'read' }), 110592);
    // A kernel thread: no executable, no command line, owner from status.
    const kthreadd = groups[0]!;
    assert.equal(kthreadd.attributes['process.executable.path'], undefined);
    assert.equal(kthreadd.attributes['process.command_line'], undefined);
    assert.equal(kthreadd.attributes['process.owner'], 'root');
    // A deleted executable keeps its path; the cut name is completed from the command line.
    assert.equal(groups[2]?.attributes['process.executable.path'], '/tmp/averyverylongprogramname');
    assert.equal(groups[2]?.attributes['process.executable.name'], 'averyverylongprogramname');
  });

  it('selects by name, executable path or command line, strict or regexp, and excludes', async () => {
    const environment = environmentOf();
    assert.deepEqual(pidsOf(await scrape({ include: { names: ['nginx'] } }, environment)), [PIDS.master, PIDS.worker]);
    assert.deepEqual(pidsOf(await scrape({ include: { names: ['averyverylongprogramname'] } }, environment)), [
      PIDS.long,
    ]);
    assert.deepEqual(
      pidsOf(await scrape({ include: { executables: ['^/tmp/'], match_type: 'regexp' } }, environment)),
      [PIDS.odd, PIDS.long],
    );
    assert.deepEqual(
      pidsOf(
        await scrape(
          { include: { command_lines: ['worker process$'], match_type: 'regexp' }, exclude: { names: ['sleep'] } },
          environment,
        ),
      ),
      [PIDS.worker],
    );
    assert.deepEqual(
      pidsOf(
        await scrape(
          { include: { names: ['nginx'] }, exclude: { command_lines: ['master'], match_type: 'regexp' } },
          environment,
        ),
      ),
      [PIDS.worker],
    );
  });

  it('emits the optional metrics when enabled, and utilization from the second scrape', async () => {
    const { files, host } = processTree();
    const { environment } = fixtureEnvironment(files, BOOT, host);
    const all = Object.fromEntries(
      [
        'process.cpu.utilization',
        'process.memory.utilization',
        'process.disk.operations',
        'process.threads',
        'process.open_file_descriptors',
        'process.context_switches',
        'process.paging.faults',
      ].map((name) => [name, { enabled: true }]),
    );
    const scraper = createProcessScraper(configOf({ include: { names: ['nginx'] }, metrics: all }), environment);
    const first = await scraper.scrapeResources!(FIRST);
    assert.ok(!namesOf(first[0]!.metrics).includes('process.cpu.utilization'));
    // The master used 50 user ticks (0.5 s) in the 10 s between the scrapes, on 2 CPUs.
    files[`/proc/${PIDS.master}/stat`] = files[`/proc/${PIDS.master}/stat`]!.replace(
      ' 0 0 0 0 0 20 0 1 0 325801',
      ' 0 50 0 0 0 20 0 1 0 325801',
    );
    const [master] = await scraper.scrapeResources!(FIRST + 10_000_000_000n);
    const metrics = master!.metrics;
    assert.equal(pointValue(metricNamed(metrics, 'process.cpu.utilization'), { state: 'user' }), 0.5 / (10 * 2));
    assert.equal(pointValue(metricNamed(metrics, 'process.cpu.utilization'), { state: 'system' }), 0);
    assert.equal(pointValue(metricNamed(metrics, 'process.memory.utilization'), {}), 1512 / 1000000);
    assert.equal(pointValue(metricNamed(metrics, 'process.open_file_descriptors'), {}), 11);
    assert.equal(pointValue(metricNamed(metrics, 'process.threads'), {}), 1);
    assert.equal(pointValue(metricNamed(metrics, 'process.context_switches'), { type: 'involuntary' }), 2);
    assert.equal(pointValue(metricNamed(metrics, 'process.paging.faults'), { type: 'minor' }), 28);
    assert.equal(pointValue(metricNamed(metrics, 'process.disk.operations'), { direction: 'read' }), 0);
  });

  it('skips processes that exit while being read', async () => {
    const { files, host } = processTree();
    const { environment } = fixtureEnvironment(files, BOOT, host);
    // The worker exited after the directory was listed: its status and io are gone.
    delete files[`/proc/${PIDS.worker}/status`];
    delete files[`/proc/${PIDS.worker}/io`];
    assert.deepEqual(pidsOf(await scrape({ include: { names: ['nginx'] } }, environment)), [PIDS.master]);
  });
});

describe('process scraper on this machine', () => {
  it('finds a child process by its executable and reports its own values', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'process-scraper-'));
    const program = join(directory, 'wasmpipe-test-sleeper');
    copyFileSync('/bin/sleep', program);
    const child = spawn(program, ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const environment: ScraperEnvironment = {
        files: createHostFiles(''),
        readProcFile: async () => '',
        bootTimeUnixNano: async () => BOOT,
      };
      const groups = await scrape(
        { include: { executables: [program] }, metrics: { 'process.open_file_descriptors': { enabled: true } } },
        environment,
        BigInt(Date.now()) * 1_000_000n,
      );
      assert.deepEqual(pidsOf(groups), [child.pid]);
      const [sleeper] = groups as [ResourceGroup];
      assert.equal(sleeper.attributes['process.parent_pid'], process.pid);
      // The kernel cuts the command name at 15 bytes; the command line gives the whole name back.
      assert.equal(sleeper.attributes['process.executable.name'], 'wasmpipe-test-sleeper');
      assert.equal(sleeper.attributes['process.command_line'], `${program} 30`);
      const uid = process.getuid?.();
      const user = readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((line) => line.split(':')[2] === String(uid));
      assert.equal(sleeper.attributes['process.owner'], user?.split(':')[0]);
      assert.ok(pointValue(metricNamed(sleeper.metrics, 'process.memory.usage'), {}) > 100_000);
      // stdin, stdout and stderr at least.
      assert.ok(pointValue(metricNamed(sleeper.metrics, 'process.open_file_descriptors'), {}) >= 3);
    } finally {
      child.kill();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
