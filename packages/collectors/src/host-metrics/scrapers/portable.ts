// Fallbacks for a platform without /proc (macOS, Windows): the few metrics the runtime's `os`
// module knows, under the same names. Node, Deno and Bun implement `os.cpus`, `os.totalmem`,
// `os.freemem`, `os.loadavg` and `os.uptime`; `os.loadavg` is [0, 0, 0] on Windows.
import { cpus, freemem, loadavg, totalmem, uptime } from 'node:os';
import type { Metric } from '@wasmpipe/core';
import { MetricRecorder } from '../metric-builders.ts';
import { CPU_METRICS } from './cpu/metadata.ts';
import type { ScraperFactory, ScraperName } from './index.ts';
import { LOAD_METRICS } from './load/metadata.ts';
import { MEMORY_METRICS } from './memory/metadata.ts';
import { SYSTEM_METRICS } from './system/metadata.ts';

/** When the machine booted, from `os.uptime()`: the start time of the cumulative sums. */
function bootTimeUnixNano(): bigint {
  return BigInt(Date.now() - Math.round(uptime() * 1000)) * 1_000_000n;
}

type CpuTimes = Record<'user' | 'nice' | 'system' | 'idle' | 'interrupt', number>;

/** The seconds each CPU spent per state, from `os.cpus()` (milliseconds there). */
export function portableCpuTimes(): CpuTimes[] {
  return cpus().map(({ times }) => ({
    user: times.user / 1000,
    nice: times.nice / 1000,
    system: times.sys / 1000,
    idle: times.idle / 1000,
    interrupt: times.irq / 1000,
  }));
}

const createPortableCpu: ScraperFactory<'cpu'> = (config) => {
  let previous: CpuTimes[] | undefined;
  const startedAt = bootTimeUnixNano();
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const recorder = new MetricRecorder(config.metrics, timeUnixNano);
      const current = portableCpuTimes();
      current.forEach((times, index) => {
        const cpu = `cpu${index}`;
        const before = previous?.[index];
        const elapsed = before
          ? Object.keys(times).reduce(
              (sum, state) => sum + times[state as keyof CpuTimes] - before[state as keyof CpuTimes],
              0,
            )
          : 0;
        for (const [state, seconds] of Object.entries(times)) {
          recorder.record(CPU_METRICS.time, seconds, { cpu, state }, startedAt);
          if (before && elapsed > 0) {
            const delta = seconds - before[state as keyof CpuTimes];
            recorder.record(CPU_METRICS.utilization, delta / elapsed, { cpu, state });
          }
        }
      });
      recorder.record(CPU_METRICS.logicalCount, current.length, {}, startedAt);
      previous = current;
      return recorder.metrics();
    },
  };
};

const createPortableMemory: ScraperFactory<'memory'> = (config) => {
  const startedAt = bootTimeUnixNano();
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const recorder = new MetricRecorder(config.metrics, timeUnixNano, startedAt);
      const total = totalmem();
      const free = freemem();
      for (const [state, bytes] of [
        ['used', total - free],
        ['free', free],
      ] as const) {
        recorder.record(MEMORY_METRICS.usage, bytes, { state });
        recorder.record(MEMORY_METRICS.utilization, bytes / total, { state });
      }
      recorder.record(MEMORY_METRICS.limit, total, {});
      return recorder.metrics();
    },
  };
};

const createPortableLoad: ScraperFactory<'load'> = (config) => ({
  async scrape(timeUnixNano: bigint): Promise<Metric[]> {
    const recorder = new MetricRecorder(config.metrics, timeUnixNano);
    const divisor = config.cpu_average ? Math.max(1, cpus().length) : 1;
    const [load1, load5, load15] = loadavg() as [number, number, number];
    recorder.record(LOAD_METRICS.load1, load1 / divisor, {});
    recorder.record(LOAD_METRICS.load5, load5 / divisor, {});
    recorder.record(LOAD_METRICS.load15, load15 / divisor, {});
    return recorder.metrics();
  },
});

const createPortableSystem: ScraperFactory<'system'> = (config) => ({
  async scrape(timeUnixNano: bigint): Promise<Metric[]> {
    const recorder = new MetricRecorder(config.metrics, timeUnixNano);
    recorder.record(SYSTEM_METRICS.uptime, uptime(), {});
    return recorder.metrics();
  },
});

/** The scrapers that have a fallback without /proc. */
export const PORTABLE_SCRAPERS: { [Name in ScraperName]?: ScraperFactory<Name> } = {
  cpu: createPortableCpu,
  memory: createPortableMemory,
  load: createPortableLoad,
  system: createPortableSystem,
};
