// The measured half of the `runtimes` scenario, run unchanged by Node (through tsx), Deno and Bun:
// scenario 3's paths (max-throughput.ts) and the plugin call cost (the `wasm` filter processor in
// the pipeline thread at 1 and 1,000 points per batch, and a bare @wapc/host call), once as a
// warm-up unless told it is a smoke run, then once measured. Figures are in CPU time of the child
// (points per CPU-second, CPU µs per call), which a loaded machine distorts least. The last line
// of stdout is the figures as JSON: `{"runtime": ..., "version": ..., "figures": {name: value}}`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encode } from '@msgpack/msgpack';
import { WapcHost } from '@wapc/host';
import { encodeMetricsBatch, wasmProcessor } from '@wasmpipe/host-wapc';
import { settings } from '../harness.ts';
import { copies, metricsBatch } from '../plugins/batches.ts';
import { countingSink, createChain } from '../plugins/processors.ts';
import { assertSameOutput, type PathName, pointsPerSecond, timeThroughput } from './max-throughput.ts';
import { SHAPES } from './max-throughput-batches.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as { smoke?: boolean };
settings.smoke = options.smoke === true;
const POINTS_PER_RUN = settings.smoke ? 2_000 : 100_000;

const FILTER_WASM = fileURLToPath(new URL('../../../plugins/filter/build/filter.wasm', import.meta.url));
const FILTER_CONFIG = { exclude: ['system.cpu.*'] };
const callsFor = (size: number) => Math.max(20, Math.min(10_000, Math.round(POINTS_PER_RUN / size)));

/** CPU microseconds per call of the wasm filter processor (`workers: 0`), batches built before timing. */
async function processorMicroseconds(size: number): Promise<number> {
  const stage = { definition: wasmProcessor, config: { path: FILTER_WASM, workers: 0, config: FILTER_CONFIG } };
  const { head, processors } = await createChain([stage], countingSink());
  try {
    const batches = copies(callsFor(size), () => metricsBatch(size, Math.min(size, 10)));
    const { cpu } = await timeThroughput(batches.length, async () => {
      for (const batch of batches) await head.consumeMetrics?.(batch);
    });
    return 1e6 / cpu;
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
}

/** CPU microseconds per guest call through bare @wapc/host, the payload encoded beforehand. */
async function bareMicroseconds(size: number): Promise<number> {
  const host = await new WapcHost().instantiate(readFileSync(FILTER_WASM));
  await host.invoke('configure', encode(FILTER_CONFIG));
  const payload = encodeMetricsBatch(metricsBatch(size, Math.min(size, 10))).slice();
  const calls = callsFor(size);
  const { cpu } = await timeThroughput(calls, async () => {
    for (let call = 0; call < calls; call++) await host.invoke('process_metrics', payload);
  });
  return 1e6 / cpu;
}

/** Every figure of one pass, by name. */
async function pass(kept: Map<string, number>): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const shape of SHAPES) {
    const paths: PathName[] = shape.name === 'testbed' ? ['plugins', 'js', 'none'] : ['plugins'];
    for (const path of paths) {
      const options = { pointsPerRun: POINTS_PER_RUN, keptPerBatch: kept.get(shape.name) as number };
      figures[`max-throughput ${shape.name} ${path}`] = (await pointsPerSecond(path, shape, options)).cpu;
    }
  }
  for (const size of [1, 1_000]) figures[`plugin-call-cost wasm processor ${size}`] = await processorMicroseconds(size);
  figures['plugin-call-cost bare @wapc/host 1'] = await bareMicroseconds(1);
  return figures;
}

function runtime(): { runtime: string; version: string } {
  const global = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (global.Deno) return { runtime: 'deno', version: global.Deno.version.deno };
  if (global.Bun) return { runtime: 'bun', version: global.Bun.version };
  return { runtime: 'node', version: process.version.slice(1) };
}

const kept = new Map<string, number>();
// The same check as scenario 3, on this runtime: the plugins and the JS processors agree.
for (const shape of SHAPES) kept.set(shape.name, await assertSameOutput(shape));
if (!settings.smoke) await pass(kept);
const figures = await pass(kept);
console.log(JSON.stringify({ ...runtime(), figures }));
