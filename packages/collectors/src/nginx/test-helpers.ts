// Shared by the tests of the nginx collectors; not part of the public entry.
import { readFileSync } from 'node:fs';
import type { Metric, NumberDataPoint } from '@wasmpipe/core';

/** The text of a file in this folder's `__fixtures__/`. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

/** The path of a file in this folder's `__fixtures__/`. */
export function fixturePath(name: string): string {
  return new URL(`./__fixtures__/${name}`, import.meta.url).pathname;
}

/** The metric named `name`, failing the test when absent. */
export function metricNamed(metrics: readonly Metric[], name: string): Metric {
  const metric = metrics.find((candidate) => candidate.name === name);
  if (!metric) throw new Error(`No metric ${name} among ${metrics.map((m) => m.name).join(', ')}.`);
  return metric;
}

/** The data point whose attributes include every given one, failing the test when absent. */
export function pointOf(metric: Metric, attributes: Record<string, string> = {}): NumberDataPoint {
  const point = (metric.data.dataPoints as NumberDataPoint[]).find((candidate) =>
    Object.entries(attributes).every(([key, value]) => candidate.attributes[key] === value),
  );
  if (!point) throw new Error(`No point of ${metric.name} with ${JSON.stringify(attributes)}.`);
  return point;
}

/** The value of that data point. */
export function pointValue(metrics: readonly Metric[], name: string, attributes: Record<string, string> = {}): number {
  return pointOf(metricNamed(metrics, name), attributes).value;
}
