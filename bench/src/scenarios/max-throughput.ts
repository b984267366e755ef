// Scenario 3, maximum throughput: data points per second on one JavaScript thread through the
// three-plugin chain (filter -> enrich -> transform, the Wasm plugins built by the build, in the
// pipeline thread: `workers: 0`) to OTLP protobuf bytes (what `otlp_http` sends), with no rate
// limit; against the same pipeline with the plugins replaced by equivalent JS processors, and with
// no processors at all. The three paths take the same batches (built before timing, a fresh copy
// per run since processors change what they are given) in the same run, alternately. Before
// timing, the plugin path's and the JS path's OTLP output are decoded and compared: they must be
// the same data, or the comparison would mean nothing.
import { fileURLToPath } from 'node:url';
import { countDataPoints, type MetricsBatch } from '@wasmpipe/core';
import { decodeMetricsRequest, encodeMetricsRequest, metricsToOtlpJson } from '@wasmpipe/exporters';
import { wasmProcessor } from '@wasmpipe/host-wapc';
import { type Comparison, median, type Scenario, settings, sized } from '../harness.ts';
import { renderThroughputPlot } from '../plot.ts';
import { jsFilterProcessor } from '../plugins/js-processors.ts';
import { createChain, type Stage } from '../plugins/processors.ts';
import { type BatchShape, ENRICH, pointsIn, SHAPES, testbedShape } from './max-throughput-batches.ts';
import { jsStaticEnrichProcessor, jsTransformProcessor } from './max-throughput-js.ts';

/** The target of issue 8 for the plugin path. */
export const TARGET_POINTS_PER_SECOND = 1_000_000;
/** Input points per measured run (smoke mode: a few batches). */
const pointsPerRun = () => sized(200_000, 2_000);
/** Batch sizes of the throughput-against-batch-size plot. */
export const PLOT_SIZES = [10, 100, 1_000, 10_000];

export type PathName = 'plugins' | 'js' | 'none';
export const PATH_LABELS: Record<PathName, string> = {
  plugins: 'Wasm plugins (workers: 0)',
  js: 'JS processors',
  none: 'no processors',
};

const plugin = (name: string) => fileURLToPath(new URL(`../../../plugins/${name}/build/${name}.wasm`, import.meta.url));

/** The processors of a path, configured for a shape. */
export function stagesOf(path: PathName, shape: BatchShape): Stage[] {
  if (path === 'plugins') {
    return [
      { definition: wasmProcessor, config: { path: plugin('filter'), workers: 0, config: shape.filter } },
      { definition: wasmProcessor, config: { path: plugin('enrich'), workers: 0, config: ENRICH } },
      { definition: wasmProcessor, config: { path: plugin('transform'), workers: 0, config: shape.transform } },
    ];
  }
  if (path === 'js') {
    return [
      { definition: jsFilterProcessor, config: shape.filter },
      { definition: jsStaticEnrichProcessor, config: ENRICH },
      { definition: jsTransformProcessor, config: shape.transform },
    ];
  }
  return [];
}

/** The end of the pipeline: encodes each batch as an OTLP protobuf request, like `otlp_http`. */
function otlpSink(keep?: Uint8Array[]) {
  const sink = {
    points: 0,
    bytes: 0,
    async consumeMetrics(batch: MetricsBatch) {
      const points = countDataPoints(batch);
      if (points === 0) return;
      const body = encodeMetricsRequest(batch);
      sink.points += points;
      sink.bytes += body.byteLength;
      keep?.push(body);
    },
  };
  return sink;
}

/** The OTLP requests a path produces for one batch of a shape. */
export async function outputOf(path: PathName, shape: BatchShape): Promise<Uint8Array[]> {
  const bodies: Uint8Array[] = [];
  const sink = otlpSink(bodies);
  const { head, processors } = await createChain(stagesOf(path, shape), sink);
  try {
    await head.consumeMetrics?.(shape.make());
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
  return bodies;
}

/** OTLP requests as comparable text: decoded, attributes sorted by key (their order may differ). */
function canonical(bodies: Uint8Array[]): string {
  const sortAttributes = (_key: string, value: unknown) =>
    Array.isArray(value) && value.every((item) => item && typeof item === 'object' && 'key' in item && 'value' in item)
      ? [...value].sort((a, b) => String(a.key).localeCompare(String(b.key)))
      : value;
  return bodies
    .map((body) => JSON.stringify(metricsToOtlpJson(decodeMetricsRequest(body).batch), sortAttributes))
    .join('\n');
}

/** Throws unless the plugin path and the JS path produce the same OTLP data for a shape; returns points kept per batch. */
export async function assertSameOutput(shape: BatchShape): Promise<number> {
  const wasm = canonical(await outputOf('plugins', shape));
  const js = canonical(await outputOf('js', shape));
  if (wasm !== js) {
    throw new Error(
      `max-throughput: the plugins and the JS processors do not produce the same OTLP data for "${shape.name}"; the comparison would mean nothing.\nplugins: ${wasm.slice(0, 600)}\njs:      ${js.slice(0, 600)}`,
    );
  }
  let kept = 0;
  for (const body of await outputOf('plugins', shape)) kept += countDataPoints(decodeMetricsRequest(body).batch);
  return kept;
}

/** Options of one measurement. */
export interface MeasureOptions {
  /** Input points per measured run; the batches are built before timing. */
  pointsPerRun: number;
  /** Points the sink must receive per input batch (from `assertSameOutput`); checked when given. */
  keptPerBatch?: number;
}

/**
 * A throughput two ways: input points per wall-clock second, and per second of this process's CPU
 * time (user + system, every thread: GC helpers included). On a shared, loaded machine the wall
 * clock also counts the time other processes held the core; CPU time does not, so "points per
 * CPU-second" is the figure for "points/s on one core".
 */
export interface Throughput {
  wall: number;
  cpu: number;
}

/** Times `work` on the wall clock and in CPU time; returns items per second of each. */
export async function timeThroughput(items: number, work: () => Promise<void>): Promise<Throughput> {
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  await work();
  const wallSeconds = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { wall: items / wallSeconds, cpu: items / Math.max(cpuSeconds, 1e-6) };
}

/** Input points per second of a path over fresh batches of a shape, to OTLP protobuf bytes. */
export async function pointsPerSecond(path: PathName, shape: BatchShape, options: MeasureOptions): Promise<Throughput> {
  const sink = otlpSink();
  const { head, processors } = await createChain(stagesOf(path, shape), sink);
  try {
    const perBatch = pointsIn(shape.make());
    const count = Math.max(2, Math.ceil(options.pointsPerRun / perBatch));
    const batches = Array.from({ length: count }, shape.make);
    const figures = await timeThroughput(count * perBatch, async () => {
      for (const batch of batches) await head.consumeMetrics?.(batch);
    });
    const expected = path === 'none' ? count * perBatch : options.keptPerBatch;
    if (expected !== undefined && sink.points !== (path === 'none' ? expected : count * expected)) {
      throw new Error(
        `max-throughput: ${PATH_LABELS[path]} delivered ${sink.points} points of "${shape.name}", not ${path === 'none' ? expected : count * (expected as number)}.`,
      );
    }
    if (sink.bytes === 0) throw new Error(`max-throughput: ${PATH_LABELS[path]} produced no OTLP bytes.`);
    return figures;
  } finally {
    for (const processor of processors) await processor.shutdown?.();
  }
}

/** Runs every measurement once as a warm-up (not in smoke mode), then `runs` rounds of all of them in turn. */
export async function rounds<T>(runs: number, measurements: (() => Promise<T>)[]): Promise<T[][]> {
  if (!settings.smoke) for (const measure of measurements) await measure();
  const figures = measurements.map((): T[] => []);
  for (let round = 0; round < runs; round++)
    for (const [index, measure] of measurements.entries()) figures[index]?.push(await measure());
  return figures;
}

/** The three paths on one shape: [plugins, js, none] runs. */
export async function measureShape(shape: BatchShape, runs: number, pointsPerRun: number): Promise<Throughput[][]> {
  const keptPerBatch = await assertSameOutput(shape);
  const paths: PathName[] = ['plugins', 'js', 'none'];
  return rounds(
    runs,
    paths.map((path) => () => pointsPerSecond(path, shape, { pointsPerRun, keptPerBatch })),
  );
}

const wall = (runs: Throughput[]) => runs.map((figure) => figure.wall);
const cpu = (runs: Throughput[]) => runs.map((figure) => figure.cpu);

const throughput = (
  metric: string,
  subject: [string, number[]],
  peer: [string, number[]],
  details?: Comparison['details'],
  unit = 'points/s',
): Comparison => ({
  metric,
  unit,
  higherIsBetter: true,
  subject: { name: subject[0], runs: subject[1] },
  peer: { name: peer[0], runs: peer[1] },
  ...(details ? { details } : {}),
});

/** The target of issue 8, held by the plugin path's median. */
const TARGET = { name: 'Wasm plugin path ≥ 1,000,000 points per CPU-second', atLeast: TARGET_POINTS_PER_SECOND };
const PER_CPU_SECOND = 'points/CPU-s';

export const maxThroughput: Scenario = {
  name: 'max-throughput',
  description: `points per CPU-second (and per wall-clock second) on one JS thread, batches to OTLP protobuf bytes, no rate limit: filter -> enrich -> transform as Wasm plugins vs as JS processors vs no processors (${SHAPES.map((shape) => shape.name).join(', ')} batches)`,
  async run({ runs }) {
    const comparisons: Comparison[] = [];
    for (const shape of SHAPES) {
      const [plugins = [], js = [], none = []] = await measureShape(shape, runs, pointsPerRun());
      const label = `${shape.name} (${shape.description})`;
      const details = { pointsPerBatch: pointsIn(shape.make()), pointsPerRun: pointsPerRun() };
      const perCpu = `${label}: points per CPU-second`;
      comparisons.push({
        ...throughput(perCpu, [PATH_LABELS.plugins, cpu(plugins)], [PATH_LABELS.js, cpu(js)], details, PER_CPU_SECOND),
        targets: [TARGET],
      });
      comparisons.push(
        throughput(perCpu, [PATH_LABELS.plugins, cpu(plugins)], [PATH_LABELS.none, cpu(none)], details, PER_CPU_SECOND),
      );
      comparisons.push(
        throughput(
          `${label}: points per wall-clock second`,
          [PATH_LABELS.plugins, wall(plugins)],
          [PATH_LABELS.js, wall(js)],
        ),
      );
    }
    return comparisons;
  },
};

export const throughputVsBatchSize: Scenario = {
  name: 'throughput-vs-batch-size',
  description: `max-throughput's three paths on testbed-shaped batches of ${PLOT_SIZES.join(', ')} points; draws docs/benchmarks/throughput-vs-batch-size.svg from the medians`,
  async run({ runs, smoke }) {
    const comparisons: Comparison[] = [];
    const sweep: { size: number; medians: Record<PathName, number> }[] = [];
    for (const size of PLOT_SIZES) {
      const shape = testbedShape(size);
      const [plugins = [], js = [], none = []] = await measureShape(shape, runs, Math.max(pointsPerRun(), size * 2));
      const label = `testbed shape at ${size.toLocaleString('en')} points/batch: points per CPU-second`;
      comparisons.push(
        throughput(label, [PATH_LABELS.plugins, cpu(plugins)], [PATH_LABELS.js, cpu(js)], undefined, PER_CPU_SECOND),
      );
      comparisons.push(
        throughput(
          label,
          [PATH_LABELS.plugins, cpu(plugins)],
          [PATH_LABELS.none, cpu(none)],
          undefined,
          PER_CPU_SECOND,
        ),
      );
      sweep.push({ size, medians: { plugins: median(cpu(plugins)), js: median(cpu(js)), none: median(cpu(none)) } });
    }
    // Smoke figures are too short to mean anything: the published plot is left as it is.
    if (!smoke) console.log(`  Plot written to ${renderThroughputPlot(sweep)}.`);
    return comparisons;
  },
};
