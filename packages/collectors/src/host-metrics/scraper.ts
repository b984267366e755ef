import type { Metric } from '@wasmpipe/core';

/** What a scraper may use: file reads under `root_path`, and the host's boot time. */
export interface ScraperEnvironment {
  /** Reads a file under `<root_path>/proc`, given relative to it (`stat`, `meminfo`). */
  readProcFile(relativePath: string): Promise<string>;
  /** The host's boot time as unix nanoseconds: the start time of every cumulative sum. */
  bootTimeUnixNano(): Promise<bigint>;
}

/**
 * One source of host metrics (cpu, memory, and later disk, network...). The collector never runs
 * two scrapes of the same scraper at once, so a scraper may keep state between scrapes.
 */
export interface Scraper {
  /** Reads the host once and returns the enabled metrics; throws when nothing could be read. */
  scrape(timeUnixNano: bigint): Promise<Metric[]>;
}

/** Builds the path of a file under `<root_path>/proc`, as the contrib receiver's `root_path` does. */
export function procPath(rootPath: string, relativePath: string): string {
  return `${rootPath.replace(/\/+$/, '')}/proc/${relativePath.replace(/^\/+/, '')}`;
}
