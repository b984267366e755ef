// The process collector against a real nginx (master and two workers) started by the test.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Metric, MetricsBatch, NumberDataPoint } from '@wasmpipe/core';
import { nginxInstanceId } from '../nginx-shared/instance.ts';
import { type NginxInstance, nginxSkipReason, startNginx } from '../testing/nginx.test-support.ts';
import { createProcessCollector } from './collector-harness.test-support.ts';

const skip = nginxSkipReason();

interface Process {
  attributes: Record<string, unknown>;
  metrics: Metric[];
}

function processesOf(batch: MetricsBatch | undefined): Process[] {
  assert.ok(batch, 'the collector found no nginx');
  return batch.resourceMetrics.map((resourceMetrics) => ({
    attributes: resourceMetrics.resource.attributes,
    metrics: resourceMetrics.scopeMetrics[0]!.metrics,
  }));
}

function value(process: Process, name: string, attributes: Record<string, string> = {}): number {
  const metric = process.metrics.find((candidate) => candidate.name === name);
  assert.ok(metric, `no ${name} for pid ${process.attributes['process.pid']}`);
  const point = (metric.data.dataPoints as NumberDataPoint[]).find((candidate) =>
    Object.entries(attributes).every(([key, expected]) => candidate.attributes[key] === expected),
  );
  assert.ok(point, `no ${name} ${JSON.stringify(attributes)}`);
  return point.value;
}

/** Field `number` (as numbered in proc(5)) of /proc/<pid>/stat, as text. */
function statText(pid: number, number: number): string {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ')[number - 3] as string;
}

/** Field `number` (as numbered in proc(5)) of /proc/<pid>/stat. */
function statField(pid: number, number: number): number {
  return Number(statText(pid, number));
}

/**
 * Waits until every process is idle: asleep, and its page faults, threads, sizes and open files
 * unchanged over 50 ms. A worker that has just taken its title may still be running the last of its
 * start-up, faulting in pages: its RSS was seen to grow by 170 KiB in the next 10 ms.
 */
async function untilIdle(pids: number[]): Promise<void> {
  const snapshot = () =>
    pids
      .map(
        (pid) =>
          [3, 10, 12, 20, 23, 24].map((field) => statText(pid, field)).join(' ') +
          ` fds=${readdirSync(`/proc/${pid}/fd`).length}`,
      )
      .join(' | ');
  const deadline = Date.now() + 20_000;
  let previous = snapshot();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const current = snapshot();
    if (current === previous && pids.every((pid) => statText(pid, 3) === 'S')) return;
    if (Date.now() > deadline) assert.fail(`nginx did not become idle: ${current}`);
    previous = current;
  }
}

describe('process collector on a real nginx', { skip }, () => {
  let nginx: NginxInstance;

  before(async () => {
    nginx = (await startNginx({ workerProcesses: 2 }))!;
  });

  after(async () => {
    await nginx?.stop();
  });

  it('finds the master from the pid file and its workers, with their own values', async () => {
    const { collector } = await createProcessCollector({ pid_file: nginx.pidPath });
    const workers = (await nginx.workerPids()).sort((a, b) => a - b);
    assert.equal(workers.length, 2);
    await untilIdle([nginx.pid, ...workers]);
    const processes = processesOf(await collector.collect());
    assert.deepEqual(
      processes.map((process) => process.attributes['process.pid']),
      [nginx.pid, ...workers],
    );
    const [master, ...children] = processes as [Process, ...Process[]];
    assert.equal(master.attributes['process.executable.path'], readlinkSync(`/proc/${nginx.pid}/exe`));
    assert.equal(master.attributes['process.executable.name'], 'nginx');
    assert.equal(master.attributes['instance.type'], 'nginx');
    assert.match(String(master.attributes['process.command_line']), /^nginx: master process /);
    assert.equal(value(master, 'nginx.workers.count'), 2);
    for (const worker of children) {
      assert.equal(worker.attributes['process.parent_pid'], nginx.pid);
      assert.equal(worker.attributes['process.command_line'], 'nginx: worker process');
      assert.ok(!worker.metrics.some((metric) => metric.name === 'nginx.workers.count'));
    }
    for (const process of processes) {
      const pid = process.attributes['process.pid'] as number;
      // An idle nginx (see untilIdle) holds these still between the collector's reading and this one.
      assert.equal(value(process, 'process.memory.virtual'), statField(pid, 23));
      assert.equal(value(process, 'process.threads'), statField(pid, 20));
      assert.equal(value(process, 'process.open_file_descriptors'), readdirSync(`/proc/${pid}/fd`).length);
      const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
      assert.ok(Math.abs(value(process, 'process.memory.usage') - rss) <= 64 * 1024, 'RSS moved more than 64 KiB');
      assert.ok(value(process, 'process.cpu.time', { state: 'user' }) <= statField(pid, 14) / 100);
      const io = readFileSync(`/proc/${pid}/io`, 'utf8');
      assert.equal(
        value(process, 'process.disk.io', { direction: 'read' }),
        Number(/^read_bytes: (\d+)$/m.exec(io)![1]),
      );
      assert.ok(value(process, 'process.context_switches', { type: 'voluntary' }) >= 0);
    }
    await collector.shutdown();
  });

  it('follows a reload to the new workers', async () => {
    const { collector } = await createProcessCollector({ pid_file: nginx.pidPath, workers_count: true });
    const before = processesOf(await collector.collect()).map((process) => process.attributes['process.pid']);
    await nginx.reload({ workerProcesses: 3 });
    const workers = (await nginx.workerPids()).sort((a, b) => a - b);
    const processes = processesOf(await collector.collect());
    assert.deepEqual(
      processes.map((process) => process.attributes['process.pid']),
      [nginx.pid, ...workers],
    );
    assert.ok(
      workers.every((pid) => !before.includes(pid)),
      'the workers were not replaced',
    );
    assert.equal(value(processes[0]!, 'nginx.workers.count'), 3);
  });

  it('takes the pid file from nginx.conf with discover: true', async () => {
    const { collector, logs } = await createProcessCollector({ discover: true, config_path: nginx.configPath });
    const [master] = processesOf(await collector.collect());
    assert.equal(master!.attributes['process.pid'], nginx.pid);
    assert.equal(master!.attributes['instance.id'], await nginxInstanceId(nginx.configPath));
    assert.ok(logs.some((line) => line.includes(`Discovered the nginx pid file ${nginx.pidPath}`)));
  });

  it('falls back to the process name when the pid file is stale, and says so', async () => {
    const stale = `${nginx.directory}/stale.pid`;
    writeFileSync(stale, '999999999\n');
    const { collector, logs } = await createProcessCollector({ pid_file: stale });
    const processes = processesOf(await collector.collect());
    // Colleagues' nginx instances may run too: ours must be among the masters found.
    const masters = processes.filter((process) =>
      String(process.attributes['process.command_line']).includes('master process'),
    );
    assert.ok(masters.some((master) => master.attributes['process.pid'] === nginx.pid));
    assert.ok(processes.every((process) => process.attributes['process.executable.name'] === 'nginx'));
    assert.ok(
      logs.some((line) => line.includes('Found nginx by its name nginx') && line.includes('which does not run')),
    );
  });

  it('reports nothing and warns once when no such process runs', async () => {
    const { collector, logs } = await createProcessCollector({
      pid_file: `${nginx.directory}/missing.pid`,
      process_name: 'wasmpipe-no-such-process',
    });
    assert.equal(await collector.collect(), undefined);
    assert.equal(await collector.collect(), undefined);
    const warnings = logs.filter((line) => line.includes('No wasmpipe-no-such-process process found'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /missing\.pid does not exist/);
  });
});
