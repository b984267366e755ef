// Data points per second through a chain of three Wasm plugins (filter, enrich, transform) on
// host-shaped batches, one core: the contract 0.2 host hands each plugin's output bytes to the
// next and decodes once at the end, against the same chain with a decode and re-encode between
// plugins (what a host without wire batches does).
import { readFile } from 'node:fs/promises';
import type { MetricsBatch } from '@wasmpipe/core';
import { WapcPlugin } from '@wasmpipe/host-wapc';
import { alternate, type Scenario } from '../harness.ts';
import { hostShapedBatch } from './slice-throughput.ts';

const BATCHES = 300;
const POINTS_PER_BATCH = 128 * 2 + 6 * 2 + 8 * 2;

async function load(name: string, config: unknown): Promise<WapcPlugin> {
  const bytes = new Uint8Array(await readFile(new URL(`../../../plugins/${name}/build/${name}.wasm`, import.meta.url)));
  const plugin = await WapcPlugin.load(bytes);
  await plugin.configure(config);
  return plugin;
}

/** Runs every batch through the chain; `between` sees each plugin's output before the next plugin. */
async function run(
  chain: WapcPlugin[],
  batches: MetricsBatch[],
  between: (batch: MetricsBatch) => MetricsBatch,
): Promise<number> {
  let points = 0;
  const begin = performance.now();
  for (const source of batches) {
    let batch = source;
    for (const plugin of chain) batch = between(await plugin.processMetrics(batch));
    // The end of the chain: whatever comes next reads the tree.
    for (const resource of batch.resourceMetrics) {
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) points += metric.data.dataPoints.length;
    }
  }
  const elapsed = performance.now() - begin;
  if (points === 0) throw new Error('The chain dropped everything; the figure would mean nothing.');
  return (batches.length * POINTS_PER_BATCH) / (elapsed / 1000);
}

export const pluginChain: Scenario = {
  name: 'plugin-chain',
  description: `filter -> enrich -> transform on host-shaped batches (${POINTS_PER_BATCH} points, ${BATCHES} per run), one core`,
  async run({ runs }) {
    const chain = [
      await load('filter', { exclude: ['system.cpu.utilization'] }),
      await load('enrich', { resource: { 'deployment.environment': 'production' }, attributes: { team: 'web' } }),
      await load('transform', {
        rename_attributes: { state: 'system.state' },
        convert_units: [{ from: 'By', to: 'KiBy' }],
      }),
    ];
    // Fresh batches per run: a plugin's selection edits the tree it is given.
    const fresh = () => Array.from({ length: BATCHES }, hostShapedBatch);
    const [subject, peer] = await alternate(
      runs,
      () => run(chain, fresh(), (batch) => batch),
      () => run(chain, fresh(), (batch) => ({ resourceMetrics: batch.resourceMetrics })),
    );
    return [
      {
        metric: 'points/s through three plugins',
        unit: 'points/s',
        higherIsBetter: true,
        subject: { name: 'bytes handed from plugin to plugin', runs: subject },
        peer: { name: 'decode and re-encode between plugins', runs: peer },
      },
    ];
  },
};
