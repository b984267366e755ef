// Shared by the tests of this folder; not part of the public entry.
import { readFileSync } from 'node:fs';
import type { Metric, NumberDataPoint } from '@wasmpipe/core';
import type { FileSystemStats, HostFiles } from './host-files.ts';
import type { ScraperEnvironment } from './scraper.ts';

/** The text of a file in `__fixtures__/`. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** What a fixture host holds besides its files: symbolic links and mounted file systems. */
export interface FixtureHost {
  links?: Record<string, string>;
  filesystems?: Record<string, FileSystemStats>;
}

/**
 * A scraper environment serving files from a map that a test may change between scrapes. Keys
 * starting with `/` are host paths (`/sys/block/vda/stat`); other keys are relative to `/proc`
 * (`stat` is `/proc/stat`). A directory lists the names of the keys directly under it.
 */
export function fixtureEnvironment(
  files: Record<string, string>,
  bootTimeUnixNano = 1_700_000_000_000_000_000n,
  host: FixtureHost = {},
) {
  const reads: string[] = [];
  const lookup = (path: string): string | undefined =>
    files[path] ?? (path.startsWith('/proc/') ? files[path.slice('/proc/'.length)] : undefined);
  const hostFiles: HostFiles = {
    rootPath: '',
    readText(path) {
      reads.push(path);
      const text = lookup(path);
      if (text === undefined) throw notFound(path);
      return text;
    },
    list(path) {
      const prefix = `${path.replace(/\/+$/, '')}/`;
      const names = new Set<string>();
      const keys = [...Object.keys(files), ...Object.keys(host.links ?? {})];
      for (const key of keys) {
        const full = key.startsWith('/') ? key : `/proc/${key}`;
        if (full.startsWith(prefix)) names.add(full.slice(prefix.length).split('/')[0] as string);
      }
      if (names.size === 0) throw notFound(path);
      return [...names];
    },
    readLink(path) {
      const target = host.links?.[path];
      if (target === undefined) throw notFound(path);
      return target;
    },
    async statfs(path) {
      const stats = host.filesystems?.[path];
      if (stats === undefined) throw notFound(path);
      return stats;
    },
  };
  const environment: ScraperEnvironment = {
    files: hostFiles,
    async readProcFile(relativePath) {
      return hostFiles.readText(`/proc/${relativePath}`);
    },
    bootTimeUnixNano: async () => bootTimeUnixNano,
  };
  return { environment, files, reads, host };
}

/** The metric named `name`, failing the test when absent. */
export function metricNamed(metrics: readonly Metric[], name: string): Metric {
  const metric = metrics.find((candidate) => candidate.name === name);
  if (!metric) throw new Error(`No metric ${name} among ${metrics.map((m) => m.name).join(', ')}.`);
  return metric;
}

/** The data point whose attributes include every given one. */
export function pointOf(metric: Metric, attributes: Record<string, string | number>): NumberDataPoint {
  const point = (metric.data.dataPoints as NumberDataPoint[]).find((candidate) =>
    Object.entries(attributes).every(([key, value]) => candidate.attributes[key] === value),
  );
  if (!point) throw new Error(`No point of ${metric.name} with ${JSON.stringify(attributes)}.`);
  return point;
}

/** The value of the data point whose attributes include every given one. */
export function pointValue(metric: Metric, attributes: Record<string, string | number>): number {
  return pointOf(metric, attributes).value;
}

/** The metric names of a scrape, in order. */
export const namesOf = (metrics: readonly Metric[]) => metrics.map((metric) => metric.name);
