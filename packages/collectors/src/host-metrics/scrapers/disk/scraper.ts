import type { Infer, Metric } from '@wasmpipe/core';
import { passes } from '../../filter.ts';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { StartTimes } from '../../start-times.ts';
import { DISK_METRICS, type diskScraperConfig } from './metadata.ts';
import { DISKSTATS_SECTOR_BYTES, type DiskStats, parseDiskstats } from './parse-diskstats.ts';

/** The checked config of the disk scraper. */
export type DiskScraperConfig = Infer<typeof diskScraperConfig>;

/** Creates the disk scraper: reads `/proc/diskstats` once per scrape. */
export function createDiskScraper(config: DiskScraperConfig, environment: ScraperEnvironment): Scraper {
  const startTimes = new StartTimes();
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const disks = parseDiskstats(environment.files.readText('/proc/diskstats'));
      const boot = await environment.bootTimeUnixNano();
      const recorder = new MetricRecorder(config.metrics, timeUnixNano);
      startTimes.beginScrape(timeUnixNano);
      for (const disk of disks) {
        if (!passes(disk.device, config.include, config.exclude)) continue;
        recordDisk(recorder, disk, startTimes.startOf(disk.device, countersOf(disk), boot));
      }
      startTimes.endScrape();
      return recorder.metrics();
    },
  };
}

/** The counters whose going backwards means the device was re-created. */
function countersOf(disk: DiskStats): number[] {
  return [disk.readsCompleted, disk.writesCompleted, disk.sectorsRead, disk.sectorsWritten, disk.ioMillis];
}

function recordDisk(recorder: MetricRecorder, disk: DiskStats, start: bigint): void {
  const { device } = disk;
  const read = { device, direction: 'read' };
  const write = { device, direction: 'write' };
  recorder.record(DISK_METRICS.io, disk.sectorsRead * DISKSTATS_SECTOR_BYTES, read, start);
  recorder.record(DISK_METRICS.io, disk.sectorsWritten * DISKSTATS_SECTOR_BYTES, write, start);
  recorder.record(DISK_METRICS.operations, disk.readsCompleted, read, start);
  recorder.record(DISK_METRICS.operations, disk.writesCompleted, write, start);
  recorder.record(DISK_METRICS.ioTime, disk.ioMillis / 1000, { device }, start);
  recorder.record(DISK_METRICS.operationTime, disk.readMillis / 1000, read, start);
  recorder.record(DISK_METRICS.operationTime, disk.writeMillis / 1000, write, start);
  recorder.record(DISK_METRICS.weightedIoTime, disk.weightedIoMillis / 1000, { device }, start);
  recorder.record(DISK_METRICS.pendingOperations, disk.inProgress, { device }, start);
  recorder.record(DISK_METRICS.merged, disk.readsMerged, read, start);
  recorder.record(DISK_METRICS.merged, disk.writesMerged, write, start);
}
