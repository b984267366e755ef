// The process.* metrics, named and shaped as the contrib hostmetrics receiver's process scraper.
// Shared by the host_metrics `process` scraper and the `process` collector.
import type { Attributes } from '@wasmpipe/core';
import { type MetricDescriptor, MetricRecorder, metricsOption } from '../host-metrics/metric-builders.ts';
import type { ResourceGroup } from '../host-metrics/scraper.ts';
import type { ProcessParts, ProcessSnapshot } from './procfs/read-process.ts';
import { executableName } from './procfs/read-process.ts';

const NANOS_PER_TICK = 10_000_000n; // USER_HZ = 100
const USER_HZ = 100;

const sum = <const N extends string>(
  name: N,
  description: string,
  unit: string,
  monotonic: boolean,
  isInteger: boolean,
  enabledByDefault: boolean,
) => ({ name, description, unit, type: 'cumulative_sum', monotonic, isInteger, enabledByDefault }) as const;
const gauge = <const N extends string>(name: N, description: string) =>
  ({ name, description, unit: '1', type: 'gauge', isInteger: false, enabledByDefault: false }) as const;

/** The process metrics; the defaults are contrib's. */
export const PROCESS_METRICS = {
  cpuTime: sum('process.cpu.time', 'Total CPU seconds by state.', 's', true, false, true),
  cpuUtilization: gauge(
    'process.cpu.utilization',
    'Fraction of the host CPU time used by the process since the previous scrape, over every logical CPU.',
  ),
  memoryUsage: sum('process.memory.usage', 'The amount of physical memory in use (RSS).', 'By', false, true, true),
  memoryVirtual: sum('process.memory.virtual', 'Virtual memory size.', 'By', false, true, true),
  memoryUtilization: gauge('process.memory.utilization', 'Fraction of the physical memory the process uses.'),
  diskIo: sum('process.disk.io', 'Bytes the process made the storage layer read or write.', 'By', true, true, true),
  diskOperations: sum('process.disk.operations', 'Read and write system calls.', '{operations}', true, true, false),
  threads: sum('process.threads', 'Process threads count.', '{threads}', false, true, false),
  openFileDescriptors: sum(
    'process.open_file_descriptors',
    'Number of file descriptors in use.',
    '{count}',
    false,
    true,
    false,
  ),
  contextSwitches: sum(
    'process.context_switches',
    'Times the process was context switched.',
    '{count}',
    true,
    true,
    false,
  ),
  pagingFaults: sum('process.paging.faults', 'Page faults of the process.', '{faults}', true, true, false),
} as const satisfies Record<string, MetricDescriptor>;

type ProcessMetricName = (typeof PROCESS_METRICS)[keyof typeof PROCESS_METRICS]['name'];

/** The `metrics:` option of the process metrics, with some defaults changed for a use (nginx). */
export function processMetricsOption(defaults: Partial<Record<ProcessMetricName, boolean>> = {}) {
  const descriptors = Object.fromEntries(
    Object.entries(PROCESS_METRICS).map(([key, descriptor]) => [
      key,
      { ...descriptor, enabledByDefault: defaults[descriptor.name] ?? descriptor.enabledByDefault },
    ]),
  ) as unknown as typeof PROCESS_METRICS;
  return metricsOption(descriptors);
}

/** The checked `metrics:` option. */
export type ProcessMetricsConfig = Readonly<Record<ProcessMetricName, { enabled: boolean }>>;

/** Which parts of each process the enabled metrics need, besides stat. */
export function partsFor(metrics: ProcessMetricsConfig): ProcessParts {
  const on = (descriptor: MetricDescriptor) => metrics[descriptor.name as ProcessMetricName]?.enabled === true;
  return {
    status:
      on(PROCESS_METRICS.memoryUsage) || on(PROCESS_METRICS.memoryUtilization) || on(PROCESS_METRICS.contextSwitches),
    io: on(PROCESS_METRICS.diskIo) || on(PROCESS_METRICS.diskOperations),
    fds: on(PROCESS_METRICS.openFileDescriptors),
    cmdline: true,
    exe: true,
    owner: true,
  };
}

/** The resource attributes of a process, as contrib sets them. */
export function processResourceAttributes(snapshot: ProcessSnapshot): Attributes {
  const attributes: Attributes = {
    'process.pid': snapshot.pid,
    'process.parent_pid': snapshot.stat.ppid,
    'process.executable.name': executableName(snapshot.stat, snapshot.cmdline),
  };
  if (snapshot.executablePath) attributes['process.executable.path'] = snapshot.executablePath;
  if (snapshot.cmdline && snapshot.cmdline.length > 0) {
    attributes['process.command'] = snapshot.cmdline[0] as string;
    attributes['process.command_line'] = snapshot.cmdline.join(' ');
  }
  if (snapshot.owner !== undefined) attributes['process.owner'] = snapshot.owner;
  return attributes;
}

/** What the process metrics need to know about the host at a scrape. */
export interface HostFacts {
  bootTimeUnixNano: bigint;
  /** For utilization: the number of logical CPUs. */
  logicalCpus?: number;
  /** For memory utilization: MemTotal in bytes. */
  memoryTotalBytes?: number;
}

/**
 * Turns process snapshots into one resource group each. Keeps each process's CPU times of the
 * previous scrape for utilization, keyed by pid and start time so a reused pid starts afresh.
 */
export class ProcessMetrics {
  readonly #metrics: ProcessMetricsConfig;
  #previous = new Map<string, { time: bigint; ticks: [number, number, number] }>();

  constructor(metrics: ProcessMetricsConfig) {
    this.#metrics = metrics;
  }

  /** The metrics of every snapshot, each in its own group with the process's resource attributes. */
  record(snapshots: readonly ProcessSnapshot[], timeUnixNano: bigint, host: HostFacts): ResourceGroup[] {
    const previous = this.#previous;
    this.#previous = new Map();
    return snapshots.map((snapshot) => {
      const { stat } = snapshot;
      // A process's counters start when it started: btime plus its start time in ticks.
      const start = host.bootTimeUnixNano + BigInt(stat.startTicks) * NANOS_PER_TICK;
      const recorder = new MetricRecorder(this.#metrics, timeUnixNano, start);
      const ticks: [number, number, number] = [stat.userTicks, stat.systemTicks, stat.blockIoTicks];
      const states = ['user', 'system', 'wait'] as const;
      for (const [index, state] of states.entries()) {
        recorder.record(PROCESS_METRICS.cpuTime, (ticks[index] as number) / USER_HZ, { state });
      }
      const key = `${snapshot.pid}:${stat.startTicks}`;
      const before = previous.get(key);
      this.#previous.set(key, { time: timeUnixNano, ticks });
      if (before && host.logicalCpus && timeUnixNano > before.time) {
        const elapsedSeconds = Number(timeUnixNano - before.time) / 1e9;
        states.forEach((state, index) => {
          const delta = ((ticks[index] as number) - (before.ticks[index] as number)) / USER_HZ;
          recorder.record(PROCESS_METRICS.cpuUtilization, delta / (elapsedSeconds * (host.logicalCpus as number)), {
            state,
          });
        });
      }
      const rss = snapshot.status?.rssBytes ?? stat.rssPages * 4096;
      recorder.record(PROCESS_METRICS.memoryUsage, rss, {});
      recorder.record(PROCESS_METRICS.memoryVirtual, stat.virtualBytes, {});
      if (host.memoryTotalBytes) recorder.record(PROCESS_METRICS.memoryUtilization, rss / host.memoryTotalBytes, {});
      if (snapshot.io) {
        recorder.record(PROCESS_METRICS.diskIo, snapshot.io.readBytes, { direction: 'read' });
        recorder.record(PROCESS_METRICS.diskIo, snapshot.io.writeBytes, { direction: 'write' });
        recorder.record(PROCESS_METRICS.diskOperations, snapshot.io.readSyscalls, { direction: 'read' });
        recorder.record(PROCESS_METRICS.diskOperations, snapshot.io.writeSyscalls, { direction: 'write' });
      }
      recorder.record(PROCESS_METRICS.threads, stat.threads, {});
      if (snapshot.openFileDescriptors !== undefined) {
        recorder.record(PROCESS_METRICS.openFileDescriptors, snapshot.openFileDescriptors, {});
      }
      const status = snapshot.status;
      if (status?.voluntaryContextSwitches !== undefined && status.involuntaryContextSwitches !== undefined) {
        recorder.record(PROCESS_METRICS.contextSwitches, status.voluntaryContextSwitches, { type: 'voluntary' });
        recorder.record(PROCESS_METRICS.contextSwitches, status.involuntaryContextSwitches, { type: 'involuntary' });
      }
      recorder.record(PROCESS_METRICS.pagingFaults, stat.majorFaults, { type: 'major' });
      recorder.record(PROCESS_METRICS.pagingFaults, stat.minorFaults, { type: 'minor' });
      return { attributes: processResourceAttributes(snapshot), metrics: recorder.metrics() };
    });
  }
}
