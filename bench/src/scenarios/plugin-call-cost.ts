// The cost of a plugin call: the Wasm filter path (the `wasm` processor: encode, one guest call,
// apply the answer) against the same filter as a plain JS processor, and against the guest call
// alone through bare @wapc/host on bytes encoded beforehand; at 1, 100, 1,000 and 10,000 data
// points per batch (ten points per metric). The fixed cost per call is the figure at 1 point; the
// added cost per point is the slope between 1 and 10,000. The wasm processor runs in the pipeline
// thread (`workers: 0`) and, as configured by default, in one worker thread (`workers: 1`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encode } from '@msgpack/msgpack';
import { WapcHost } from '@wapc/host';
import { encodeMetricsBatch, wasmProcessor } from '@wasmpipe/host-wapc';
import { alternate, type Comparison, median, type Scenario } from '../harness.ts';
import { copies, metricsBatch } from '../plugins/batches.ts';
import { jsFilterProcessor } from '../plugins/js-processors.ts';
import { countingSink, createChain, type Stage } from '../plugins/processors.ts';

const FILTER_WASM = fileURLToPath(new URL('../../../plugins/filter/build/filter.wasm', import.meta.url));
const FILTER_CONFIG = { exclude: ['system.cpu.*'] };
const SIZES = [1, 100, 1_000, 10_000];
const POINTS_PER_METRIC = 10;
/** Points processed per measurement, so every batch size runs about as long. */
const POINTS_PER_RUN = 200_000;

const callsFor = (size: number) => Math.max(20, Math.min(20_000, Math.round(POINTS_PER_RUN / size)));
const batchOf = (size: number) => metricsBatch(size, Math.min(size, POINTS_PER_METRIC));

/** Microseconds per call of a processor, over fresh batches built before timing. */
async function processorMicroseconds(stage: Stage, size: number): Promise<number> {
  const { head, processors } = await createChain([stage], countingSink());
  try {
    const batches = copies(callsFor(size), () => batchOf(size));
    const begin = performance.now();
    for (const batch of batches) await head.consumeMetrics?.(batch);
    return ((performance.now() - begin) * 1000) / batches.length;
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
}

/** Microseconds per guest call through bare @wapc/host, the payload encoded beforehand. */
async function bareMicroseconds(size: number): Promise<number> {
  const host = await new WapcHost().instantiate(readFileSync(FILTER_WASM));
  await host.invoke('configure', encode(FILTER_CONFIG));
  const payload = encodeMetricsBatch(batchOf(size)).slice();
  const calls = callsFor(size);
  const begin = performance.now();
  for (let call = 0; call < calls; call++) await host.invoke('process_metrics', payload);
  return ((performance.now() - begin) * 1000) / calls;
}

const wasmStage = (workers: number): Stage => ({
  definition: wasmProcessor,
  config: { path: FILTER_WASM, workers, config: FILTER_CONFIG },
});
const jsStage: Stage = { definition: jsFilterProcessor, config: FILTER_CONFIG };

const IN_THREAD = 'wasm filter processor (workers: 0)';
const IN_WORKER = 'wasm filter processor (workers: 1)';
const JS = 'JS filter processor';
const BARE = 'bare @wapc/host call';

function comparison(metric: string, subject: [string, number[]], peer: [string, number[]]): Comparison {
  return {
    metric,
    unit: 'µs',
    higherIsBetter: false,
    subject: { name: subject[0], runs: subject[1] },
    peer: { name: peer[0], runs: peer[1] },
  };
}

/** Per run: the added cost of one more point, from the figures at the smallest and largest sizes. */
function slope(small: number[], large: number[]): number[] {
  const span = (SIZES.at(-1) as number) - (SIZES[0] as number);
  return small.map((first, index) => ((large[index] as number) - first) / span);
}

export const pluginCallCost: Scenario = {
  name: 'plugin-call-cost',
  description: `filter (exclude system.cpu.*: a quarter of the points) at ${SIZES.join(', ')} points/batch, ${POINTS_PER_METRIC} points/metric: wasm processor vs the same filter in JS vs a bare @wapc/host call`,
  async run({ runs }) {
    const results: Comparison[] = [];
    const figures: Record<string, number[][]> = { [IN_THREAD]: [], [IN_WORKER]: [], [JS]: [], [BARE]: [] };
    for (const size of SIZES) {
      const [inThread, js] = await alternate(
        runs,
        () => processorMicroseconds(wasmStage(0), size),
        () => processorMicroseconds(jsStage, size),
      );
      const [inWorker, bare] = await alternate(
        runs,
        () => processorMicroseconds(wasmStage(1), size),
        () => bareMicroseconds(size),
      );
      figures[IN_THREAD]?.push(inThread);
      figures[IN_WORKER]?.push(inWorker);
      figures[JS]?.push(js);
      figures[BARE]?.push(bare);
      const label = `per call at ${size.toLocaleString('en')} point(s)/batch`;
      results.push(comparison(label, [IN_THREAD, inThread], [JS, js]));
      results.push(comparison(label, [IN_THREAD, inThread], [BARE, bare]));
      results.push(comparison(label, [IN_WORKER, inWorker], [JS, js]));
    }
    const last = SIZES.length - 1;
    const slopeOf = (name: string) => slope(figures[name]?.[0] as number[], figures[name]?.[last] as number[]);
    results.push(comparison('added cost per point', [IN_THREAD, slopeOf(IN_THREAD)], [JS, slopeOf(JS)]));
    results.push(comparison('added cost per point', [IN_THREAD, slopeOf(IN_THREAD)], [BARE, slopeOf(BARE)]));
    results.push(comparison('added cost per point', [IN_WORKER, slopeOf(IN_WORKER)], [JS, slopeOf(JS)]));
    const thousand = SIZES.indexOf(1_000);
    const ratio = (name: string) =>
      (median(figures[name]?.[thousand] as number[]) / median(figures[JS]?.[thousand] as number[])).toFixed(2);
    console.log(
      `  target at 1,000 points: the wasm path at most 2x the JS path; measured ${ratio(IN_THREAD)}x (workers: 0), ${ratio(IN_WORKER)}x (workers: 1)`,
    );
    return results;
  },
};
