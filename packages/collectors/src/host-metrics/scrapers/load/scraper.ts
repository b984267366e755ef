import type { Infer, Metric } from '@wasmpipe/core';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { countOnlineCpus } from '../cpu/parse-proc-stat.ts';
import { LOAD_METRICS, type loadScraperConfig } from './metadata.ts';
import { parseLoadavg } from './parse-loadavg.ts';

/** The checked config of the load scraper. */
export type LoadScraperConfig = Infer<typeof loadScraperConfig>;

/** Creates the load scraper: reads `/proc/loadavg` (and `/proc/stat` with `cpu_average`). */
export function createLoadScraper(config: LoadScraperConfig, environment: ScraperEnvironment): Scraper {
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const load = parseLoadavg(environment.files.readText('/proc/loadavg'));
      const divisor = config.cpu_average ? countOnlineCpus(environment.files.readText('/proc/stat')) : 1;
      const recorder = new MetricRecorder(config.metrics, timeUnixNano);
      recorder.record(LOAD_METRICS.load1, load.load1 / divisor, {});
      recorder.record(LOAD_METRICS.load5, load.load5 / divisor, {});
      recorder.record(LOAD_METRICS.load15, load.load15 / divisor, {});
      return recorder.metrics();
    },
  };
}
