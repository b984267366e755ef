import { defineCollector, joinPath, type Problem } from '@wasmpipe/core';
import { HostMetricsCollector } from './collector.ts';
import { hostMetricsConfig } from './config.ts';
import { procPath } from './scraper.ts';
import { SCRAPER_NAMES } from './scrapers/index.ts';

/** The `host_metrics` collector type: a Linux host's metrics from /proc, /sys and statfs, named as in the contrib receiver. */
export const hostMetricsCollector = defineCollector({
  type: 'host_metrics',
  description:
    'Scrapes host metrics (cpu, memory, load, disk, filesystem, network, paging, processes, process, system) from /proc, named as the OpenTelemetry Collector hostmetrics receiver.',
  signals: ['metrics'],
  config: hostMetricsConfig,
  async validate(config, context) {
    const problems: Problem[] = [];
    if (SCRAPER_NAMES.every((name) => config.scrapers[name] === undefined)) {
      problems.push({
        path: joinPath(context.path, 'scrapers'),
        message: `must name at least one scraper (${SCRAPER_NAMES.join(', ')})`,
      });
    }
    if (config.root_path !== '' && !(await context.platform.isFile(procPath(config.root_path, 'stat')))) {
      problems.push({
        path: joinPath(context.path, 'root_path'),
        message: `expected a directory holding proc/stat, but ${procPath(config.root_path, 'stat')} is not a file`,
      });
    }
    return problems;
  },
  create: (config, context, next) => new HostMetricsCollector(config, context, next),
});
