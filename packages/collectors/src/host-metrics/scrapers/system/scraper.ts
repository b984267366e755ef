import type { Infer, Metric } from '@wasmpipe/core';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { SYSTEM_METRICS, type systemScraperConfig } from './metadata.ts';
import { parseUptime } from './parse-uptime.ts';

/** The checked config of the system scraper. */
export type SystemScraperConfig = Infer<typeof systemScraperConfig>;

/** Creates the system scraper: reads `/proc/uptime`. */
export function createSystemScraper(config: SystemScraperConfig, environment: ScraperEnvironment): Scraper {
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const { uptimeSeconds } = parseUptime(environment.files.readText('/proc/uptime'));
      const recorder = new MetricRecorder(config.metrics, timeUnixNano);
      recorder.record(SYSTEM_METRICS.uptime, uptimeSeconds, {});
      return recorder.metrics();
    },
  };
}
