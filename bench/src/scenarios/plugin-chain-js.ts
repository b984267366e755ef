// Three plugins in a row, filter -> enrich -> transform, as `wasm` processors wired like the
// runtime wires them, in the pipeline thread (one core) and in one worker each, on batches of
// 1,000 data points; against the same three stages written as plain JS processors.
// The figure is input data points per second. Between two plugins the host passes bytes, not
// objects; the sink at the end reads every point, so the last answer is decoded once.
import { fileURLToPath } from 'node:url';
import { wasmProcessor } from '@wasmpipe/host-wapc';
import { alternate, type Scenario } from '../harness.ts';
import { copies, metricsBatch } from '../plugins/batches.ts';
import { jsEnrichProcessor, jsFilterProcessor, jsTransformProcessor } from '../plugins/js-processors.ts';
import { countingSink, createChain, type Stage } from '../plugins/processors.ts';

const plugin = (name: string) => fileURLToPath(new URL(`../../../plugins/${name}/build/${name}.wasm`, import.meta.url));

const FILTER = { exclude: ['system.cpu.utilization'] };
const ENRICH = { resource: { 'deployment.environment': 'bench' }, attributes: { 'service.name': 'bench' } };
const TRANSFORM = { rename_attributes: { state: 'cpu.mode' } };
const POINTS_PER_BATCH = 1_000;
const POINTS_PER_METRIC = 10;
const BATCHES = 300;

const wasmChain = (workers: number): Stage[] => [
  { definition: wasmProcessor, config: { path: plugin('filter'), workers, config: FILTER } },
  { definition: wasmProcessor, config: { path: plugin('enrich'), workers, config: ENRICH } },
  { definition: wasmProcessor, config: { path: plugin('transform'), workers, config: TRANSFORM } },
];

const jsChain: Stage[] = [
  { definition: jsFilterProcessor, config: FILTER },
  { definition: jsEnrichProcessor, config: {} },
  { definition: jsTransformProcessor, config: {} },
];

/** The points of one batch the filter keeps (it drops system.cpu.utilization). */
function keptPerBatch(): number {
  let kept = 0;
  for (const metric of metricsBatch(POINTS_PER_BATCH, POINTS_PER_METRIC).resourceMetrics[0]?.scopeMetrics[0]?.metrics ??
    [])
    if (!FILTER.exclude.includes(metric.name)) kept += metric.data.dataPoints.length;
  return kept;
}

/** Input points per second through the chain, the batches built before timing. */
async function pointsPerSecond(stages: Stage[]): Promise<number> {
  const sink = countingSink();
  const { head, processors } = await createChain(stages, sink);
  try {
    const batches = copies(BATCHES, () => metricsBatch(POINTS_PER_BATCH, POINTS_PER_METRIC));
    const begin = performance.now();
    for (const batch of batches) await head.consumeMetrics?.(batch);
    const seconds = (performance.now() - begin) / 1000;
    const expected = BATCHES * keptPerBatch();
    if (sink.points !== expected) throw new Error(`The chain delivered ${sink.points} points, not ${expected}.`);
    return (BATCHES * POINTS_PER_BATCH) / seconds;
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
}

export const pluginChainJs: Scenario = {
  name: 'plugin-chain-js',
  description: `filter -> enrich -> transform, ${POINTS_PER_BATCH.toLocaleString('en')} points/batch (${POINTS_PER_METRIC}/metric), ${BATCHES} batches: Wasm plugins vs the same stages in JS`,
  async run({ runs }) {
    const [inThread, js] = await alternate(
      runs,
      () => pointsPerSecond(wasmChain(0)),
      () => pointsPerSecond(jsChain),
    );
    const [inWorkers, jsAgain] = await alternate(
      runs,
      () => pointsPerSecond(wasmChain(1)),
      () => pointsPerSecond(jsChain),
    );
    return [
      {
        metric: 'input points/s, one core (target: 1,000,000)',
        unit: 'points/s',
        higherIsBetter: true,
        subject: { name: 'wasm chain (workers: 0)', runs: inThread },
        peer: { name: 'JS chain', runs: js },
      },
      {
        metric: 'input points/s, one worker thread per plugin',
        unit: 'points/s',
        higherIsBetter: true,
        subject: { name: 'wasm chain (workers: 1)', runs: inWorkers },
        peer: { name: 'JS chain', runs: jsAgain },
      },
    ];
  },
};
