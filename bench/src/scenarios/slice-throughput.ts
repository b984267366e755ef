// Points per second through the foundation slice: host-shaped synthetic metrics, the filter
// plugin (one Wasm call per batch), the batch processor, and OTLP protobuf over HTTP to a sink in
// another process; against the same pipeline without the plugin.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type Attributes,
  batchProcessor,
  type ComponentUse,
  createPipeline,
  defineCollector,
  type Metric,
  type MetricsBatch,
  nowUnixNano,
  s,
  silentLogger,
  use,
} from '@wasmpipe/core';
import { otlpHttpExporter } from '@wasmpipe/exporters';
import { wasmProcessor } from '@wasmpipe/host-wapc';
import { alternate, type Scenario } from '../harness.ts';

const FILTER_WASM = fileURLToPath(new URL('../../../plugins/filter/build/filter.wasm', import.meta.url));
const SINK = fileURLToPath(new URL('../otlp-sink.mjs', import.meta.url));
const BATCHES = 1500;

/** One scrape of a 16-CPU host with two disks and two interfaces, shaped as host_metrics emits it. */
export function hostShapedBatch(): MetricsBatch {
  const time = nowUnixNano();
  const start = time - 3_600_000_000_000n;
  const points = (attributes: Attributes[], value: () => number) =>
    attributes.map((pointAttributes) => ({
      attributes: pointAttributes,
      startTimeUnixNano: start,
      timeUnixNano: time,
      value: value(),
    }));
  const cpuAttributes: Attributes[] = [];
  for (let cpu = 0; cpu < 16; cpu++)
    for (const state of ['user', 'system', 'idle', 'nice', 'wait', 'interrupt', 'softirq', 'steal'])
      cpuAttributes.push({ cpu: `cpu${cpu}`, state });
  const memoryAttributes = ['used', 'free', 'buffered', 'cached', 'slab_reclaimable', 'slab_unreclaimable'].map(
    (state) => ({ state }),
  );
  const deviceAttributes = ['sda', 'sdb', 'eth0', 'eth1'].flatMap((device) =>
    ['read', 'write'].map((direction) => ({ device, direction })),
  );
  const sum = (name: string, unit: string, attributes: Attributes[]): Metric => ({
    name,
    unit,
    data: {
      type: 'sum',
      aggregationTemporality: 'cumulative',
      isMonotonic: true,
      dataPoints: points(attributes, () => Math.random() * 1e6),
    },
  });
  const gauge = (name: string, attributes: Attributes[]): Metric => ({
    name,
    unit: '1',
    data: { type: 'gauge', dataPoints: points(attributes, Math.random) },
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': 'bench-host', 'os.type': 'linux' } },
        scopeMetrics: [
          {
            scope: { name: '@wasmpipe/collectors/host_metrics', version: '0.1.0' },
            metrics: [
              sum('system.cpu.time', 's', cpuAttributes),
              gauge('system.cpu.utilization', cpuAttributes),
              sum('system.memory.usage', 'By', memoryAttributes),
              gauge('system.memory.utilization', memoryAttributes),
              sum('system.disk.io', 'By', deviceAttributes),
              sum('system.network.io', 'By', deviceAttributes),
            ],
          },
        ],
      },
    ],
  };
}

const POINTS_PER_BATCH = 128 * 2 + 6 * 2 + 8 * 2;

/** A collector that pushes `BATCHES` prepared batches as fast as the pipeline takes them. */
function syntheticCollector(done: (elapsedMs: number) => void) {
  return defineCollector({
    type: 'synthetic',
    description: 'Pushes prepared host-shaped batches as fast as the pipeline takes them.',
    signals: ['metrics'],
    config: s.object({}),
    create(_config, _context, next) {
      return {
        start() {
          const batches = Array.from({ length: BATCHES }, hostShapedBatch);
          const begin = performance.now();
          void (async () => {
            for (const batch of batches) await next.consumeMetrics?.(batch);
            done(performance.now() - begin);
          })();
        },
      };
    },
  });
}

async function startSink(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, process: child };
}

async function pointsPerSecond(sinkUrl: string, withPlugin: boolean): Promise<number> {
  let pushed: (elapsed: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    pushed = resolve;
  });
  const processors: ComponentUse[] = withPlugin
    ? [use(wasmProcessor, { path: FILTER_WASM, config: { exclude: ['system.cpu.utilization'] } })]
    : [];
  const pipeline = await createPipeline({
    collectors: [use(syntheticCollector(pushed), {})],
    processors: [...processors, use(batchProcessor, { send_batch_size: 8192 })],
    exporters: [use(otlpHttpExporter, { endpoint: sinkUrl, compression: 'none' })],
    logger: silentLogger,
  });
  const begin = performance.now();
  await pipeline.start();
  await finished;
  await pipeline.shutdown();
  const elapsed = performance.now() - begin;
  const failed = pipeline.telemetry.value('otlp_http', 'wasmpipe.exporter.send_failed', 'metrics');
  if (failed > 0) throw new Error(`${failed} points failed to send; the figure would be meaningless.`);
  return (BATCHES * POINTS_PER_BATCH) / (elapsed / 1000);
}

/** The first scenario: the slice with and without the filter plugin. */
export const sliceThroughput: Scenario = {
  name: 'slice-throughput',
  description: `host-shaped metrics (${POINTS_PER_BATCH} points/batch, ${BATCHES} batches) -> [wasm filter] -> batch -> otlp_http protobuf -> loopback sink`,
  async run({ runs }) {
    const sink = await startSink();
    try {
      const [subject, peer] = await alternate(
        runs,
        () => pointsPerSecond(sink.url, true),
        () => pointsPerSecond(sink.url, false),
      );
      return [
        {
          metric: 'input points/s',
          unit: 'points/s',
          higherIsBetter: true,
          subject: { name: 'with the filter plugin', runs: subject },
          peer: { name: 'without plugins', runs: peer },
        },
      ];
    } finally {
      sink.process.kill('SIGTERM');
    }
  },
};
