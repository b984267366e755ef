// The cost of a plugin call: the Wasm filter path (the `wasm` processor: encode, one guest call,
// apply the answer) against the same filter as a plain JS processor, and against the guest call
// alone through bare @wapc/host on bytes encoded beforehand; at 1, 100, 1,000 and 10,000 data
// points per batch. Fixed cost per call is the figure at 1 point; the added cost per point is the
// slope between 1 and 10,000.
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
/** Points processed per measurement, so every batch size runs about as long. */
const POINTS_PER_RUN = 300_000;

const callsFor = (size: number) => Math.max(20, Math.min(30_000, Math.round(POINTS_PER_RUN / size)));

/** Microseconds per call of a processor chain, over fresh batches built before timing. */
async function processorMicroseconds(stage: Stage, size: number): Promise<number> {
  const { head } = await createChain([stage], countingSink());
  const batches = copies(callsFor(size), () => metricsBatch(size));
  const begin = performance.now();
  for (const batch of batches) await head.consumeMetrics?.(batch);
  return ((performance.now() - begin) * 1000) / batches.length;
}

/** Microseconds per guest call through bare @wapc/host, the payload encoded beforehand. */
async function bareMicroseconds(size: number): Promise<number> {
  const host = await new WapcHost().instantiate(readFileSync(FILTER_WASM));
  await host.invoke('configure', encode(FILTER_CONFIG));
  const payload = encodeMetricsBatch(metricsBatch(size)).slice();
  const calls = callsFor(size);
  const begin = performance.now();
  for (let call = 0; call < calls; call++) await host.invoke('process_metrics', payload);
  return ((performance.now() - begin) * 1000) / calls;
}

const wasmStage: Stage = { definition: wasmProcessor, config: { path: FILTER_WASM, config: FILTER_CONFIG } };
const jsStage: Stage = { definition: jsFilterProcessor, config: FILTER_CONFIG };

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
function slope(small: number[], large: number[], sizes: [number, number]): number[] {
  return small.map((first, index) => ((large[index] as number) - first) / (sizes[1] - sizes[0]));
}

export const pluginCallCost: Scenario = {
  name: 'plugin-call-cost',
  description: `filter (exclude system.cpu.*, a quarter of the points) at ${SIZES.join(', ')} points/batch: wasm processor vs JS processor vs bare @wapc/host call`,
  async run({ runs }) {
    const results: Comparison[] = [];
    const wasm: number[][] = [];
    const js: number[][] = [];
    const bare: number[][] = [];
    for (const size of SIZES) {
      const [wasmRuns, jsRuns] = await alternate(
        runs,
        () => processorMicroseconds(wasmStage, size),
        () => processorMicroseconds(jsStage, size),
      );
      const bareRuns: number[] = [];
      for (let run = 0; run < runs; run++) bareRuns.push(await bareMicroseconds(size));
      wasm.push(wasmRuns);
      js.push(jsRuns);
      bare.push(bareRuns);
      const label = `per call at ${size.toLocaleString('en')} point(s)/batch`;
      results.push(comparison(label, ['wasm filter processor', wasmRuns], ['JS filter processor', jsRuns]));
      results.push(comparison(label, ['wasm filter processor', wasmRuns], ['bare @wapc/host call', bareRuns]));
    }
    const last = SIZES.length - 1;
    const span: [number, number] = [SIZES[0] as number, SIZES[last] as number];
    results.push(
      comparison(
        'added cost per point',
        ['wasm filter processor', slope(wasm[0] as number[], wasm[last] as number[], span)],
        ['JS filter processor', slope(js[0] as number[], js[last] as number[], span)],
      ),
    );
    results.push(
      comparison(
        'added cost per point',
        ['wasm filter processor', slope(wasm[0] as number[], wasm[last] as number[], span)],
        ['bare @wapc/host call', slope(bare[0] as number[], bare[last] as number[], span)],
      ),
    );
    const thousand = SIZES.indexOf(1_000);
    console.log(
      `  target: at 1,000 points the wasm path takes at most 2x the JS path; measured ${(
        median(wasm[thousand] as number[]) / median(js[thousand] as number[])
      ).toFixed(2)}x`,
    );
    return results;
  },
};
