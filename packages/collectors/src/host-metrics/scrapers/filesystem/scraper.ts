import type { Infer, Metric } from '@wasmpipe/core';
import { passes } from '../../filter.ts';
import type { FileSystemStats } from '../../host-files.ts';
import { MetricRecorder } from '../../metric-builders.ts';
import type { Scraper, ScraperEnvironment } from '../../scraper.ts';
import { FILESYSTEM_METRICS, type filesystemScraperConfig, VIRTUAL_FILESYSTEM_TYPES } from './metadata.ts';
import { type Mount, parseMountinfo } from './parse-mountinfo.ts';

/** The checked config of the filesystem scraper. */
export type FilesystemScraperConfig = Infer<typeof filesystemScraperConfig>;

const VIRTUAL = new Set(VIRTUAL_FILESYSTEM_TYPES);

/** The bytes and inodes of one file system, by state. */
export interface FilesystemUsage {
  usedBytes: number;
  freeBytes: number;
  reservedBytes: number;
  usedInodes: number;
  freeInodes: number;
}

/**
 * What `statfs` means in the contrib receiver's states (gopsutil `disk.Usage`): `free` is what an
 * unprivileged user may still write (f_bavail), `reserved` the rest of the free blocks (root's
 * reserve), `used` the blocks not free. The three add up to the size.
 */
export function filesystemUsage(stats: FileSystemStats): FilesystemUsage {
  return {
    usedBytes: (stats.blocks - stats.blocksFree) * stats.blockSize,
    freeBytes: stats.blocksAvailable * stats.blockSize,
    reservedBytes: (stats.blocksFree - stats.blocksAvailable) * stats.blockSize,
    usedInodes: stats.files - stats.filesFree,
    freeInodes: stats.filesFree,
  };
}

/** True when the mount passes the type, device and mount point filters. */
export function selectMount(config: FilesystemScraperConfig, mount: Mount): boolean {
  if (!config.include_virtual_filesystems && VIRTUAL.has(mount.type)) return false;
  return (
    passes(mount.type, config.include_fs_types, config.exclude_fs_types) &&
    passes(mount.device, config.include_devices, config.exclude_devices) &&
    passes(mount.mountPoint, config.include_mount_points, config.exclude_mount_points)
  );
}

/**
 * Creates the filesystem scraper. The mount list is the collector's own (`/proc/self/mountinfo`),
 * or, with `root_path`, the host init's (`/proc/1/mountinfo`), each mount point looked up under
 * `root_path`. A mount whose statfs fails or hangs is skipped, and said once.
 */
export function createFilesystemScraper(config: FilesystemScraperConfig, environment: ScraperEnvironment): Scraper {
  const { files } = environment;
  const mountinfo = files.rootPath === '' ? '/proc/self/mountinfo' : '/proc/1/mountinfo';
  return {
    async scrape(timeUnixNano: bigint): Promise<Metric[]> {
      const mounts = parseMountinfo(files.readText(mountinfo)).filter((mount) => selectMount(config, mount));
      const results = await Promise.allSettled(
        mounts.map((mount) => withTimeout(files.statfs(mount.mountPoint), config.statfs_timeout, mount.mountPoint)),
      );
      const recorder = new MetricRecorder(config.metrics, timeUnixNano);
      const boot = await environment.bootTimeUnixNano();
      let failures = 0;
      results.forEach((result, index) => {
        const mount = mounts[index] as Mount;
        if (result.status === 'rejected') {
          failures += 1;
          environment.skipped?.(
            `filesystem ${mount.mountPoint}`,
            `statfs of ${mount.mountPoint} failed; it is left out.`,
            result.reason,
          );
          return;
        }
        recordMount(recorder, mount, filesystemUsage(result.value), boot);
      });
      if (failures > 0 && failures === mounts.length) throw new Error(`statfs failed for every mount (${failures}).`);
      return recorder.metrics();
    },
  };
}

function recordMount(recorder: MetricRecorder, mount: Mount, usage: FilesystemUsage, boot: bigint): void {
  const base = { device: mount.device, mode: mount.mode, mountpoint: mount.mountPoint, type: mount.type };
  recorder.record(FILESYSTEM_METRICS.usage, usage.usedBytes, { ...base, state: 'used' }, boot);
  recorder.record(FILESYSTEM_METRICS.usage, usage.freeBytes, { ...base, state: 'free' }, boot);
  recorder.record(FILESYSTEM_METRICS.usage, usage.reservedBytes, { ...base, state: 'reserved' }, boot);
  recorder.record(FILESYSTEM_METRICS.inodesUsage, usage.usedInodes, { ...base, state: 'used' }, boot);
  recorder.record(FILESYSTEM_METRICS.inodesUsage, usage.freeInodes, { ...base, state: 'free' }, boot);
  const userBytes = usage.usedBytes + usage.freeBytes;
  if (userBytes > 0) recorder.record(FILESYSTEM_METRICS.utilization, usage.usedBytes / userBytes, base);
}

function withTimeout<T>(promise: Promise<T>, millis: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`statfs of ${what} took longer than ${millis} ms.`)), millis);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
