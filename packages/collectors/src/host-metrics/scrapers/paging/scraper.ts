import type { Infer, Metric } from '@wasmpipe/core';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { PAGING_METRICS, type pagingScraperConfig } from './metadata.ts';
import { parseSwaps } from './parse-swaps.ts';
import { parseVmstat } from './parse-vmstat.ts';

/** The checked config of the paging scraper. */
export type PagingScraperConfig = Infer<typeof pagingScraperConfig>;

/** Creates the paging scraper: reads `/proc/swaps` and `/proc/vmstat`. */
export function createPagingScraper(config: PagingScraperConfig, environment: ScraperEnvironment): Scraper {
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const boot = await environment.bootTimeUnixNano();
      const recorder = new MetricRecorder(config.metrics, timeUnixNano, boot);
      const { files } = environment;
      if (recorder.enabled(PAGING_METRICS.usage) || recorder.enabled(PAGING_METRICS.utilization)) {
        for (const area of parseSwaps(files.readText('/proc/swaps'))) {
          const free = area.sizeBytes - area.usedBytes;
          const device = area.device;
          recorder.record(PAGING_METRICS.usage, area.usedBytes, { device, state: 'used' });
          recorder.record(PAGING_METRICS.usage, free, { device, state: 'free' });
          if (area.sizeBytes > 0) {
            recorder.record(PAGING_METRICS.utilization, area.usedBytes / area.sizeBytes, { device, state: 'used' });
            recorder.record(PAGING_METRICS.utilization, free / area.sizeBytes, { device, state: 'free' });
          }
        }
      }
      if (recorder.enabled(PAGING_METRICS.operations) || recorder.enabled(PAGING_METRICS.faults)) {
        const vmstat = parseVmstat(files.readText('/proc/vmstat'));
        const counter = (name: string) => {
          const value = vmstat[name];
          if (value === undefined) throw new Error(`No ${name} in /proc/vmstat.`);
          return value;
        };
        // Pages swapped in and out need the disk (major); pgpgin/pgpgout count every KiB paged
        // between memory and block devices, file reads included (minor), as contrib labels them.
        const operations: Array<[string, string, string]> = [
          ['pswpin', 'page_in', 'major'],
          ['pswpout', 'page_out', 'major'],
          ['pgpgin', 'page_in', 'minor'],
          ['pgpgout', 'page_out', 'minor'],
        ];
        for (const [name, direction, type] of operations) {
          recorder.record(PAGING_METRICS.operations, counter(name), { direction, type }, boot);
        }
        const major = counter('pgmajfault');
        recorder.record(PAGING_METRICS.faults, major, { type: 'major' }, boot);
        recorder.record(PAGING_METRICS.faults, counter('pgfault') - major, { type: 'minor' }, boot);
      }
      return recorder.metrics();
    },
  };
}
