import type { Infer, Metric, NumberDataPoint } from '@wasmpipe/core';
import { type CgroupCpuTimes, cgroupCpuUtilization, readCgroupCpuTimes, readCpuLimit } from '../../cgroup.ts';
import { buildMetric, dataPoint, MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { StartTimes } from '../../start-times.ts';
import { CPU_STATES, type CpuStateValues, secondsByState, utilizationByState } from './cpu-states.ts';
import { CPU_METRICS, type cpuScraperConfig } from './metadata.ts';
import { countPhysicalCores, parseCpuinfo } from './parse-cpuinfo.ts';
import { type CpuTicks, parseProcStat } from './parse-proc-stat.ts';

/** The checked config of the cpu scraper. */
export type CpuScraperConfig = Infer<typeof cpuScraperConfig>;

/**
 * Creates the cpu scraper: reads `/proc/stat` once per scrape. Inside a cgroup with a CPU limit
 * (`cgroup_limits: auto`), time and utilization are the cgroup's, against that limit.
 */
export function createCpuScraper(config: CpuScraperConfig, environment: ScraperEnvironment): Scraper {
  return new CpuScraper(config, environment);
}

class CpuScraper implements Scraper {
  readonly #environment: ScraperEnvironment;
  readonly #timeEnabled: boolean;
  readonly #utilizationEnabled: boolean;
  readonly #logicalCountEnabled: boolean;
  /** The previous snapshot per CPU name, for utilization. */
  #previous: Map<string, CpuTicks> | undefined;
  readonly #config: CpuScraperConfig;
  /** The cgroup's CPU times at the previous scrape, for utilization against its limit. */
  #previousCgroup: { time: bigint; times: CgroupCpuTimes } | undefined;
  readonly #cgroupStart = new StartTimes();

  constructor(config: CpuScraperConfig, environment: ScraperEnvironment) {
    this.#environment = environment;
    this.#config = config;
    this.#timeEnabled = config.metrics['system.cpu.time'].enabled;
    this.#utilizationEnabled = config.metrics['system.cpu.utilization'].enabled;
    this.#logicalCountEnabled = config.metrics['system.cpu.logical.count'].enabled;
  }

  async scrape(timeUnixNano: bigint): Promise<Metric[]> {
    const stat = parseProcStat(await this.#environment.readProcFile('stat'));
    if (stat.cpus.length === 0) throw new Error('No cpuN line in /proc/stat.');
    const bootTime = await this.#environment.bootTimeUnixNano();
    const cgroup = this.#environment.cgroupDirectory;
    const limit = cgroup === undefined ? undefined : readCpuLimit(this.#environment.files, cgroup);
    if (cgroup !== undefined && limit !== undefined) {
      return this.#scrapeCgroup(cgroup, limit, stat.cpus.length, timeUnixNano, bootTime);
    }
    this.#previousCgroup = undefined;
    const metrics: Metric[] = [];

    if (this.#timeEnabled) {
      const descriptor = CPU_METRICS.time;
      const points = stat.cpus.flatMap((ticks) =>
        statePoints(secondsByState(ticks), ticks.cpu, (value, attributes) =>
          dataPoint(descriptor, value, attributes, timeUnixNano, bootTime),
        ),
      );
      metrics.push(buildMetric(descriptor, points));
    }

    if (this.#utilizationEnabled) {
      const previous = this.#previous;
      this.#previous = new Map(stat.cpus.map((ticks) => [ticks.cpu, ticks]));
      // The first scrape has nothing to compare with; a CPU brought online since has no earlier snapshot.
      const points = stat.cpus.flatMap((ticks) => {
        const before = previous?.get(ticks.cpu);
        if (!before) return [];
        return statePoints(utilizationByState(before, ticks), ticks.cpu, (value, attributes) =>
          dataPoint(CPU_METRICS.utilization, value, attributes, timeUnixNano, bootTime),
        );
      });
      if (points.length > 0) metrics.push(buildMetric(CPU_METRICS.utilization, points));
    }

    if (this.#logicalCountEnabled) {
      // gopsutil counts `processor` lines of /proc/cpuinfo and falls back to the `cpuN` lines of
      // /proc/stat; both list the online CPUs, so the file already read is enough.
      const descriptor = CPU_METRICS.logicalCount;
      metrics.push(buildMetric(descriptor, [dataPoint(descriptor, stat.cpus.length, {}, timeUnixNano, bootTime)]));
    }
    metrics.push(...this.#cpuinfoMetrics(timeUnixNano, bootTime));
    return metrics;
  }

  /** Physical cores and frequencies, from `/proc/cpuinfo`, read only when one of them is on. */
  #cpuinfoMetrics(timeUnixNano: bigint, bootTime: bigint): Metric[] {
    const recorder = new MetricRecorder(this.#config.metrics, timeUnixNano, bootTime);
    if (!recorder.enabled(CPU_METRICS.physicalCount) && !recorder.enabled(CPU_METRICS.frequency)) return [];
    const cpus = parseCpuinfo(this.#environment.files.readText('/proc/cpuinfo'));
    const cores = countPhysicalCores(cpus);
    if (cores !== undefined) recorder.record(CPU_METRICS.physicalCount, cores, {});
    for (const cpu of cpus) {
      if (cpu.megahertz !== undefined) {
        recorder.record(CPU_METRICS.frequency, cpu.megahertz * 1e6, { cpu: `cpu${cpu.processor}` });
      }
    }
    return recorder.metrics();
  }

  /** The cgroup's user and system time, utilization against its limit, and the limit. */
  #scrapeCgroup(
    directory: string,
    limit: number,
    logicalCpus: number,
    timeUnixNano: bigint,
    bootTime: bigint,
  ): Metric[] {
    const times = readCgroupCpuTimes(this.#environment.files, directory);
    const recorder = new MetricRecorder(this.#config.metrics, timeUnixNano, bootTime);
    this.#cgroupStart.beginScrape(timeUnixNano);
    const start = this.#cgroupStart.startOf('cgroup', [times.user, times.system], bootTime);
    this.#cgroupStart.endScrape();
    recorder.record(CPU_METRICS.time, times.user, { state: 'user' }, start);
    recorder.record(CPU_METRICS.time, times.system, { state: 'system' }, start);
    const previous = this.#previousCgroup;
    this.#previousCgroup = { time: timeUnixNano, times };
    if (previous && timeUnixNano > previous.time) {
      const elapsed = Number(timeUnixNano - previous.time) / 1e9;
      const utilization = cgroupCpuUtilization(previous.times, times, elapsed, limit);
      recorder.record(CPU_METRICS.utilization, utilization.user, { state: 'user' });
      recorder.record(CPU_METRICS.utilization, utilization.system, { state: 'system' });
    }
    recorder.record(CPU_METRICS.logicalCount, logicalCpus, {});
    recorder.record(CPU_METRICS.limit, limit, {});
    return recorder.metrics();
  }
}

function statePoints(
  values: CpuStateValues,
  cpu: string,
  make: (value: number, attributes: { cpu: string; state: string }) => NumberDataPoint,
): NumberDataPoint[] {
  return CPU_STATES.map((state) => make(values[state], { cpu, state }));
}
