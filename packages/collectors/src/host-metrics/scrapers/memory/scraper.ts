import type { Infer, Metric } from '@wasmpipe/core';
import { readCgroupMemory } from '../../cgroup.ts';
import { buildMetric, dataPoint } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { computeMemoryUsage, type MemoryUsage } from './memory-usage.ts';
import { MEMORY_METRICS, type memoryScraperConfig } from './metadata.ts';
import { parseMeminfo } from './parse-meminfo.ts';

/** The checked config of the memory scraper. */
export type MemoryScraperConfig = Infer<typeof memoryScraperConfig>;

/**
 * Creates the memory scraper: reads `/proc/meminfo` once per scrape. Inside a cgroup with a
 * memory limit (`cgroup_limits: auto`), it reports the cgroup's memory against that limit.
 */
export function createMemoryScraper(config: MemoryScraperConfig, environment: ScraperEnvironment): Scraper {
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const usage = computeMemoryUsage(
        parseMeminfo(await environment.readProcFile('meminfo')),
        config.used_calculation,
      );
      const cgroup = environment.cgroupDirectory;
      const limited = cgroup === undefined ? undefined : readCgroupMemory(environment.files, cgroup, usage.total);
      if (limited) {
        // The container's own view: used + cached + free = its limit.
        usage.total = limited.limit;
        usage.used = limited.used;
        usage.cached = limited.cached;
        usage.free = limited.free;
        usage.available = limited.limit - limited.used;
      }
      const bootTime = await environment.bootTimeUnixNano();
      const enabled = config.metrics;
      const metrics: Metric[] = [];
      // A cgroup has no buffers or slab of its own to report: used, cached and free only.
      const states: Array<[string, number]> = limited
        ? [
            ['used', usage.used],
            ['free', usage.free],
            ['cached', usage.cached],
          ]
        : memoryStates(usage);

      if (enabled['system.memory.usage'].enabled) {
        const descriptor = MEMORY_METRICS.usage;
        const points = states.map(([state, bytes]) => dataPoint(descriptor, bytes, { state }, timeUnixNano, bootTime));
        metrics.push(buildMetric(descriptor, points));
      }
      if (enabled['system.memory.utilization'].enabled) {
        const descriptor = MEMORY_METRICS.utilization;
        const points = states.map(([state, bytes]) =>
          dataPoint(descriptor, bytes / usage.total, { state }, timeUnixNano, bootTime),
        );
        metrics.push(buildMetric(descriptor, points));
      }
      if (enabled['system.linux.memory.available'].enabled) {
        const descriptor = MEMORY_METRICS.available;
        metrics.push(buildMetric(descriptor, [dataPoint(descriptor, usage.available, {}, timeUnixNano, bootTime)]));
      }
      if (enabled['system.memory.limit'].enabled) {
        const descriptor = MEMORY_METRICS.limit;
        metrics.push(buildMetric(descriptor, [dataPoint(descriptor, usage.total, {}, timeUnixNano, bootTime)]));
      }
      return metrics;
    },
  };
}

/**
 * The `state` values with their sizes, in the contrib receiver's order. The slab states are left
 * out, rather than reported as 0, on kernels that do not print them.
 */
export function memoryStates(usage: MemoryUsage): Array<[state: string, bytes: number]> {
  const states: Array<[string, number]> = [
    ['used', usage.used],
    ['free', usage.free],
    ['buffered', usage.buffered],
    ['cached', usage.cached],
  ];
  if (usage.slabReclaimable !== undefined) states.push(['slab_reclaimable', usage.slabReclaimable]);
  if (usage.slabUnreclaimable !== undefined) states.push(['slab_unreclaimable', usage.slabUnreclaimable]);
  return states;
}
