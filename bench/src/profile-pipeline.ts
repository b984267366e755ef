// A profiling driver, not a scenario: the metric pipeline of scenarios 1 and 3 composed in one
// process from the library packages (OTLP protobuf decode as the receiver does it -> the plugin
// chain filter, enrich, transform -> OTLP protobuf encode as otlp_http does it), with no sockets,
// so `node --cpu-prof` sees only the work per batch. Prints input points/s per pass.
//
//   node --import tsx bench/src/profile-pipeline.ts [--shape testbed|host] [--chain wasm|js|none]
//        [--workers 0|1] [--seconds 5] [--passes 3]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/src/profile-pipeline.ts ...
import { fileURLToPath } from 'node:url';
import type { Consumer } from '@wasmpipe/core';
import { decodeMetricsRequest, encodeMetricsRequest } from '@wasmpipe/exporters';
import { wasmProcessor } from '@wasmpipe/host-wapc';
import { metricsBatch } from './plugins/batches.ts';
import { jsEnrichProcessor, jsFilterProcessor, jsTransformProcessor } from './plugins/js-processors.ts';
import { createChain, type Stage } from './plugins/processors.ts';
import { testbedBatch } from './scenarios/max-throughput-batches.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const shape = argument('shape', 'testbed');
const chainKind = argument('chain', 'wasm');
const workers = Number(argument('workers', '0'));
const seconds = Number(argument('seconds', '5'));
const passes = Number(argument('passes', '3'));

const plugin = (name: string) => fileURLToPath(new URL(`../../plugins/${name}/build/${name}.wasm`, import.meta.url));

const stages: Record<string, Stage[]> = {
  wasm: [
    { definition: wasmProcessor, config: { path: plugin('filter'), workers, config: { exclude: ['*_99'] } } },
    {
      definition: wasmProcessor,
      config: {
        path: plugin('enrich'),
        workers,
        config: { resource: { 'deployment.environment': 'bench' }, attributes: { 'service.name': 'bench' } },
      },
    },
    {
      definition: wasmProcessor,
      config: { path: plugin('transform'), workers, config: { rename_attributes: { item_index: 'item.index' } } },
    },
  ],
  js: [
    { definition: jsFilterProcessor, config: { exclude: ['*_99'] } },
    { definition: jsEnrichProcessor, config: {} },
    { definition: jsTransformProcessor, config: {} },
  ],
  none: [],
};

let exportedBytes = 0;
const exporter: Consumer = {
  async consumeMetrics(batch) {
    exportedBytes += encodeMetricsRequest(batch).length;
  },
};

const requests = Array.from({ length: 64 }, (_, index) =>
  encodeMetricsRequest(shape === 'host' ? metricsBatch(1000, 10) : testbedBatch(700, index)),
);
const pointsPerRequest = decodeMetricsRequest(
  requests[0] as Uint8Array,
).batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics.reduce(
  (sum, metric) => sum + metric.data.dataPoints.length,
  0,
) as number;

const { head, processors } = await createChain(stages[chainKind] as Stage[], exporter);
try {
  for (let pass = 0; pass < passes; pass++) {
    let points = 0;
    const begin = performance.now();
    let index = 0;
    while (performance.now() - begin < seconds * 1000) {
      const { batch } = decodeMetricsRequest(requests[index++ % requests.length] as Uint8Array);
      await head.consumeMetrics?.(batch);
      points += pointsPerRequest;
    }
    const elapsed = (performance.now() - begin) / 1000;
    console.log(
      `${shape} chain=${chainKind} workers=${workers}: ${(points / elapsed / 1e6).toFixed(3)} M input points/s (${exportedBytes} bytes out)`,
    );
  }
} finally {
  for (const processor of processors) await processor.shutdown?.();
}
