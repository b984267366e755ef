// A profiling driver, not a scenario: the cost of each stage of the metric pipeline on one batch
// shape (microseconds per batch, median of 7 rounds), so a change to one stage can be weighed
// against the whole.   node --import tsx bench/src/stage-times.ts [testbed|host]
import { readFile } from 'node:fs/promises';
import type { MetricsBatch } from '@wasmpipe/core';
import { decodeMetricsRequest, encodeMetricsRequest } from '@wasmpipe/exporters';
import { decodeMetricsBatch, encodeMetricsBatch, WapcPlugin } from '@wasmpipe/host-wapc';
import { metricsBatch } from './plugins/batches.ts';
import { testbedBatch } from './scenarios/max-throughput-batches.ts';

const shape = process.argv[2] ?? 'testbed';
const make = (i: number) => (shape === 'host' ? metricsBatch(1000, 10) : testbedBatch(700, i));
async function load(name: string, config: unknown) {
  const p = await WapcPlugin.load(
    new Uint8Array(await readFile(new URL(`../../plugins/${name}/build/${name}.wasm`, import.meta.url))),
  );
  await p.configure(config);
  return p;
}
const filter = await load('filter', { exclude: ['*_99'] });
const enrich = await load('enrich', {
  resource: { 'deployment.environment': 'bench' },
  attributes: { 'service.name': 'bench' },
});
const transform = await load('transform', { rename_attributes: { item_index: 'item.index', cpu: 'cpu.id' } });
const request = encodeMetricsRequest(make(1));
const input = encodeMetricsBatch(make(1));
const N = 300;
const times: Record<string, number[]> = {};
const time = async (name: string, fn: () => unknown) => {
  const begin = performance.now();
  for (let i = 0; i < N; i++) await fn();
  const list = times[name] ?? [];
  list.push(((performance.now() - begin) * 1000) / N);
  times[name] = list;
};
for (let round = 0; round < 7; round++) {
  await time('otlp decode', () => decodeMetricsRequest(request));
  const trees = Array.from({ length: N }, () => make(1));
  let k = 0;
  await time('host encode', () => encodeMetricsBatch(trees[k++] as MetricsBatch));
  await time('filter guest', () => filter.call('process_metrics', input));
  await time('enrich guest', () => enrich.call('process_metrics', input));
  await time('transform guest', () => transform.call('process_metrics', input));
  await time('host decode', () => decodeMetricsBatch(input));
  const trees2 = Array.from({ length: N }, () => make(1));
  k = 0;
  await time('otlp encode', () => encodeMetricsRequest(trees2[k++] as MetricsBatch));
  const trees3 = Array.from({ length: N }, () => make(1));
  k = 0;
  await time('chain (tree in, tree out)', async () => {
    let b = trees3[k++] as MetricsBatch;
    for (const p of [filter, enrich, transform]) b = await p.processMetrics(b);
    return b.resourceMetrics.length;
  });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const points = decodeMetricsRequest(request).batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics.reduce(
  (s, m) => s + m.data.dataPoints.length,
  0,
) as number;
console.log(`${shape}: ${points} points/batch, ${input.length} contract bytes, ${request.length} OTLP bytes`);
for (const [name, values] of Object.entries(times))
  console.log(
    `${name.padEnd(28)} ${median(values).toFixed(1).padStart(8)} us/batch  ${(points / median(values)).toFixed(2)} M points/s`,
  );
for (const p of [filter, enrich, transform]) await p.close();
