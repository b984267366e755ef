// Shared by the tests of this folder; not part of the public entry.
import { readFileSync } from 'node:fs';
import type { Metric, NumberDataPoint } from '@wasmpipe/core';
import type { ScraperEnvironment } from './scraper.ts';

/** The text of a file in `__fixtures__/`. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

/** A scraper environment serving `/proc` files from a map that a test may change between scrapes. */
export function fixtureEnvironment(files: Record<string, string>, bootTimeUnixNano = 1_700_000_000_000_000_000n) {
  const reads: string[] = [];
  const environment: ScraperEnvironment = {
    async readProcFile(relativePath) {
      reads.push(relativePath);
      const text = files[relativePath];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${relativePath}`), { code: 'ENOENT' });
      return text;
    },
    bootTimeUnixNano: async () => bootTimeUnixNano,
  };
  return { environment, files, reads };
}

/** The metric named `name`, failing the test when absent. */
export function metricNamed(metrics: readonly Metric[], name: string): Metric {
  const metric = metrics.find((candidate) => candidate.name === name);
  if (!metric) throw new Error(`No metric ${name} among ${metrics.map((m) => m.name).join(', ')}.`);
  return metric;
}

/** The value of the data point whose attributes include every given one. */
export function pointValue(metric: Metric, attributes: Record<string, string>): number {
  const point = (metric.data.dataPoints as NumberDataPoint[]).find((candidate) =>
    Object.entries(attributes).every(([key, value]) => candidate.attributes[key] === value),
  );
  if (!point) throw new Error(`No point of ${metric.name} with ${JSON.stringify(attributes)}.`);
  return point.value;
}
