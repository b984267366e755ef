import type { Attributes, Metric } from '@wasmpipe/core';
import type { HostFiles } from './host-files.ts';

/** What a scraper may use: the host's files under `root_path`, and the host's boot time. */
export interface ScraperEnvironment {
  /** The host's files; paths are written as on the host (`/proc/diskstats`). */
  readonly files: HostFiles;
  /** Reads a file under `<root_path>/proc`, given relative to it (`stat`, `meminfo`). */
  readProcFile(relativePath: string): Promise<string>;
  /** The host's boot time as unix nanoseconds: the start time of every system-wide cumulative sum. */
  bootTimeUnixNano(): Promise<bigint>;
  /**
   * The collector's own cgroup v2 directory (`/sys/fs/cgroup/...`) when `cgroup_limits` is `auto`
   * and there is one: the cpu and memory scrapers report against its limits when it has any.
   */
  readonly cgroupDirectory?: string | undefined;
  /**
   * Says that one part of a scrape was left out (a mount whose statfs failed, a process that
   * could not be read) while the rest succeeded. The collector logs each `key` once.
   */
  skipped?(key: string, message: string, error: unknown): void;
}

/** Metrics that belong to their own resource (one process), merged over the host's resource. */
export interface ResourceGroup {
  attributes: Attributes;
  metrics: Metric[];
}

/**
 * One source of host metrics (cpu, memory, disk, network...). The collector never runs two
 * scrapes of the same scraper at once, so a scraper may keep state between scrapes.
 */
export interface Scraper {
  /** Reads the host once and returns the enabled metrics; throws when nothing could be read. */
  scrape(timeUnixNano: bigint): Promise<Metric[]>;
  /** For scrapers whose metrics describe other resources (processes): one group per resource. */
  scrapeResources?(timeUnixNano: bigint): Promise<ResourceGroup[]>;
}

/** Builds the path of a file under `<root_path>/proc`, as the contrib receiver's `root_path` does. */
export function procPath(rootPath: string, relativePath: string): string {
  return `${rootPath.replace(/\/+$/, '')}/proc/${relativePath.replace(/^\/+/, '')}`;
}
