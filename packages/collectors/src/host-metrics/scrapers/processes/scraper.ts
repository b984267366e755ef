import type { Infer, Metric } from '@wasmpipe/core';
import { listPids, readPidStat } from '../../../process/procfs/read-process.ts';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { PROCESSES_METRICS, type processesScraperConfig } from './metadata.ts';
import { parseStatCounters, STATUS_BY_STATE } from './parse-stat-counters.ts';

/** The checked config of the processes scraper. */
export type ProcessesScraperConfig = Infer<typeof processesScraperConfig>;

/** The statuses always reported, 0 when no process is in them, so series do not come and go. */
const REPORTED = ['running', 'sleeping', 'blocked', 'zombies', 'stopped', 'idle'];

/**
 * Creates the processes scraper. Each status is counted over processes (not threads), from the
 * state letter of every `/proc/<pid>/stat`. Contrib takes `running` and `blocked` from
 * `procs_running` and `procs_blocked` of `/proc/stat` instead, which count threads.
 */
export function createProcessesScraper(config: ProcessesScraperConfig, environment: ScraperEnvironment): Scraper {
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const { files } = environment;
      const boot = await environment.bootTimeUnixNano();
      const recorder = new MetricRecorder(config.metrics, timeUnixNano, boot);
      if (recorder.enabled(PROCESSES_METRICS.count)) {
        const counts = new Map(REPORTED.map((status) => [status, 0]));
        for (const pid of listPids(files)) {
          const stat = readPidStat(files, pid);
          if (!stat) continue;
          const status = STATUS_BY_STATE[stat.state] ?? 'unknown';
          counts.set(status, (counts.get(status) ?? 0) + 1);
        }
        for (const [status, count] of counts) recorder.record(PROCESSES_METRICS.count, count, { status });
      }
      if (recorder.enabled(PROCESSES_METRICS.created)) {
        recorder.record(PROCESSES_METRICS.created, parseStatCounters(files.readText('/proc/stat')).created, {});
      }
      return recorder.metrics();
    },
  };
}
