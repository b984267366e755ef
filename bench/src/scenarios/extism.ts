// Scenario 5, another Wasm plugin runtime: the filter plugin built as an Extism plugin
// (bench/extism-filter: the same AssemblyScript filter and SDK batch code behind @extism/as-pdk's
// ABI) run by the Extism JS SDK (@extism/extism), against ours (the `wasm` processor on
// @wapc/host, `workers: 0`), on the same batches in the same run. Both take the same contract
// bytes and answer the same selection, and the host encodes and applies them with the same code,
// so the difference is the plugin runtime: how input reaches the guest and the answer leaves it.
// Before timing, both filters' output is compared for every shape (same points kept, same data).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import createPlugin, { type Plugin as ExtismPlugin } from '@extism/extism';
import { encode } from '@msgpack/msgpack';
import { countDataPoints, defineProcessor, type MetricsBatch, s } from '@wasmpipe/core';
import { decodeMetricsRequest, encodeMetricsRequest, metricsToOtlpJson } from '@wasmpipe/exporters';
import { applyMetricsAnswer, encodeMetricsBatch, WapcPlugin, wasmProcessor } from '@wasmpipe/host-wapc';
import { type Comparison, type Scenario, sized } from '../harness.ts';
import { createChain, type Stage } from '../plugins/processors.ts';
import { rounds, type Throughput, timeThroughput } from './max-throughput.ts';
import { type BatchShape, pointsIn, SHAPES, testbedBatch } from './max-throughput-batches.ts';

const FILTER_WASM = fileURLToPath(new URL('../../../plugins/filter/build/filter.wasm', import.meta.url));
const EXTISM_WASM = fileURLToPath(new URL('../../extism-filter/build/extism-filter.wasm', import.meta.url));
const pointsPerRun = () => sized(200_000, 2_000);
const CALL_SIZES = [1, 100, 1_000, 10_000];

/**
 * Extism JS SDK 1.0.3 stores a Uint8Array input by its whole `.buffer` when that is an
 * ArrayBuffer, ignoring the view's offset and length, so a view into a larger buffer (what an
 * encoder that reuses its buffer returns) must be copied to exactly its bytes first.
 */
export function exactBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/**
 * One call of an Extism plugin. Extism JS SDK 1.0.3's in-thread plugin keeps every block (input,
 * output) of every call until `reset()`: memory grows with each call, and after 32,768 blocks
 * (about 16,000 calls) a block's address has bit 63 set, returns from Wasm negative, and
 * `output_set` throws "cannot assign to this block". 2.0.0 release candidates reset at the start
 * of each call (extism/js-sdk#80); here the caller does, as they do.
 */
export async function callExtism(plugin: ExtismPlugin, operation: string, input: Uint8Array): Promise<Uint8Array> {
  await plugin.reset();
  const output = await plugin.call(operation, exactBytes(input));
  if (!output) throw new Error(`The Extism plugin answered ${operation} with nothing.`);
  return output.bytes();
}

/** Loads the Extism filter in this thread, without WASI (it imports none), and configures it. */
export async function loadExtismFilter(config: unknown): Promise<ExtismPlugin> {
  const plugin = await createPlugin(
    { wasm: [{ data: new Uint8Array(readFileSync(EXTISM_WASM)) }] },
    { useWasi: false, runInWorker: false },
  );
  await plugin.call('configure', exactBytes(encode(config)));
  return plugin;
}

/** The Extism filter as a processor: the same encode and apply as the `wasm` processor, Extism's call between. */
export const extismFilterProcessor = defineProcessor({
  type: 'extism_filter',
  description: 'The filter plugin built for Extism, run by the Extism JS SDK.',
  signals: ['metrics'],
  config: s.object({ config: s.unknown() }),
  mutatesData: true,
  async create(config, _context, next) {
    const plugin = await loadExtismFilter(config.config);
    return {
      async consumeMetrics(batch: MetricsBatch) {
        const input = encodeMetricsBatch(batch);
        const result = applyMetricsAnswer(batch, input, await callExtism(plugin, 'process_metrics', input));
        if (countDataPoints(result) > 0) await next.consumeMetrics?.(result);
      },
      async shutdown() {
        await plugin.close();
      },
    };
  },
});

type Runtime = 'wapc' | 'extism';
const LABELS: Record<Runtime, string> = {
  wapc: 'wasmpipe wasm processor (@wapc/host)',
  extism: 'Extism JS SDK 1.0.3 (@extism/as-pdk)',
};

const stageOf = (runtime: Runtime, shape: BatchShape): Stage =>
  runtime === 'wapc'
    ? { definition: wasmProcessor, config: { path: FILTER_WASM, workers: 0, config: shape.filter } }
    : { definition: extismFilterProcessor, config: { config: shape.filter } };

/** A sink that counts points and, when asked, keeps each batch as OTLP protobuf. */
function sink(keep?: Uint8Array[]) {
  const counter = {
    points: 0,
    async consumeMetrics(batch: MetricsBatch) {
      counter.points += countDataPoints(batch);
      keep?.push(encodeMetricsRequest(batch));
    },
  };
  return counter;
}

/** One batch of a shape through one filter: the OTLP data it lets through, as comparable text. */
async function filtered(runtime: Runtime, shape: BatchShape): Promise<{ text: string; points: number }> {
  const bodies: Uint8Array[] = [];
  const counter = sink(bodies);
  const { head, processors } = await createChain([stageOf(runtime, shape)], counter);
  try {
    await head.consumeMetrics?.(shape.make());
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
  const text = bodies.map((body) => JSON.stringify(metricsToOtlpJson(decodeMetricsRequest(body).batch))).join('\n');
  return { text, points: counter.points };
}

/** Throws unless both filters keep exactly the same points of a shape; returns how many. */
export async function assertSameFiltering(shape: BatchShape): Promise<number> {
  const ours = await filtered('wapc', shape);
  const theirs = await filtered('extism', shape);
  if (ours.points !== theirs.points || ours.text !== theirs.text) {
    throw new Error(
      `extism: the two filters do not keep the same points of "${shape.name}" (ours ${ours.points}, Extism's ${theirs.points}); the comparison would mean nothing.`,
    );
  }
  if (ours.points === 0 || ours.points === pointsIn(shape.make())) {
    throw new Error(`extism: the filter config of "${shape.name}" keeps ${ours.points} points; it should drop some.`);
  }
  return ours.points;
}

/** Input points per second of one filter over fresh batches of a shape. */
async function pointsPerSecond(
  runtime: Runtime,
  shape: BatchShape,
  pointsPerRun: number,
  kept: number,
): Promise<Throughput> {
  const counter = sink();
  const { head, processors } = await createChain([stageOf(runtime, shape)], counter);
  try {
    const perBatch = pointsIn(shape.make());
    const count = Math.max(2, Math.ceil(pointsPerRun / perBatch));
    const batches = Array.from({ length: count }, shape.make);
    const figures = await timeThroughput(count * perBatch, async () => {
      for (const batch of batches) await head.consumeMetrics?.(batch);
    });
    if (counter.points !== count * kept)
      throw new Error(`extism: ${LABELS[runtime]} let ${counter.points} points through, not ${count * kept}.`);
    return figures;
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
}

/** CPU microseconds per bare guest call on bytes encoded beforehand (no host encode or apply). */
async function callMicroseconds(runtime: Runtime, size: number, pointsPerRun: number): Promise<number> {
  const config = (SHAPES[0] as BatchShape).filter;
  const payload = encodeMetricsBatch(testbedBatch(size)).slice();
  const calls = Math.max(20, Math.min(20_000, Math.round(pointsPerRun / size)));
  if (runtime === 'wapc') {
    const plugin = await WapcPlugin.load(new Uint8Array(readFileSync(FILTER_WASM)));
    await plugin.configure(config);
    try {
      const { cpu } = await timeThroughput(calls, async () => {
        for (let call = 0; call < calls; call++) await plugin.call('process_metrics', payload);
      });
      return 1e6 / cpu;
    } finally {
      await plugin.close();
    }
  }
  const plugin = await loadExtismFilter(config);
  try {
    const { cpu } = await timeThroughput(calls, async () => {
      for (let call = 0; call < calls; call++) await callExtism(plugin, 'process_metrics', payload);
    });
    return 1e6 / cpu;
  } finally {
    await plugin.close();
  }
}

/** Throws unless both filters answer a bare call on the same bytes with the same bytes. */
async function assertSameAnswer(size: number): Promise<void> {
  const config = (SHAPES[0] as BatchShape).filter;
  const payload = encodeMetricsBatch(testbedBatch(size)).slice();
  const ours = await WapcPlugin.load(new Uint8Array(readFileSync(FILTER_WASM)));
  const theirs = await loadExtismFilter(config);
  try {
    await ours.configure(config);
    const a = await ours.call('process_metrics', payload);
    const b = await callExtism(theirs, 'process_metrics', payload);
    if (a.length !== b.length || a.some((byte, index) => byte !== b[index]))
      throw new Error(
        `extism: the two filters answer ${size} point(s) differently; the comparison would mean nothing.`,
      );
  } finally {
    await ours.close();
    await theirs.close();
  }
}

export const extism: Scenario = {
  name: 'extism',
  description: `the filter plugin as an Extism plugin (same AssemblyScript source, @extism/as-pdk) run by the Extism JS SDK vs ours, in the pipeline thread, on ${SHAPES.map((shape) => shape.name).join(', ')} batches; then bare calls at ${CALL_SIZES.join(', ')} points`,
  async run({ runs }) {
    const comparisons: Comparison[] = [];
    for (const shape of SHAPES) {
      const kept = await assertSameFiltering(shape);
      const [ours = [], theirs = []] = await rounds(runs, [
        () => pointsPerSecond('wapc', shape, pointsPerRun(), kept),
        () => pointsPerSecond('extism', shape, pointsPerRun(), kept),
      ]);
      comparisons.push({
        metric: `${shape.name} (${shape.description}): input points per CPU-second through the filter processor`,
        unit: 'points/CPU-s',
        higherIsBetter: true,
        subject: { name: LABELS.wapc, runs: ours.map((figure) => figure.cpu) },
        peer: { name: LABELS.extism, runs: theirs.map((figure) => figure.cpu) },
      });
    }
    for (const size of CALL_SIZES) {
      await assertSameAnswer(size);
      const [ours = [], theirs = []] = await rounds(runs, [
        () => callMicroseconds('wapc', size, pointsPerRun()),
        () => callMicroseconds('extism', size, pointsPerRun()),
      ]);
      comparisons.push({
        metric: `bare process_metrics call, ${size.toLocaleString('en')} point(s), bytes encoded beforehand: CPU time per call`,
        unit: 'µs',
        higherIsBetter: false,
        subject: { name: LABELS.wapc, runs: ours },
        peer: { name: LABELS.extism, runs: theirs },
      });
    }
    return comparisons;
  },
};
