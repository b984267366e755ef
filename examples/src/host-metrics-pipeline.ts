// A pipeline composed in code, without YAML: host metrics, through the filter plugin, to the
// debug exporter (and to OTLP/HTTP when OTLP_ENDPOINT is set). Runs on Node, Deno and Bun:
//
//   node --import tsx examples/src/host-metrics-pipeline.ts
//   deno run -A examples/src/host-metrics-pipeline.ts
//   bun examples/src/host-metrics-pipeline.ts
//
// It stops after EXAMPLE_SECONDS (default 5) and prints what its components counted.
import { hostMetricsCollector } from '@wasmpipe/collectors';
import { type ComponentUse, createPipeline, getPlatform, use } from '@wasmpipe/core';
import { debugExporter, otlpHttpExporter } from '@wasmpipe/exporters';
import { wasmProcessor } from '@wasmpipe/host-wapc';

const platform = getPlatform();
const seconds = Number(platform.env('EXAMPLE_SECONDS') ?? '5');
const otlpEndpoint = platform.env('OTLP_ENDPOINT');
const filterPlugin = new URL('../../plugins/filter/build/filter.wasm', import.meta.url).pathname;

const exporters: ComponentUse[] = [use(debugExporter, { verbosity: 'basic' })];
if (otlpEndpoint) exporters.push(use(otlpHttpExporter, { endpoint: otlpEndpoint }));

const pipeline = await createPipeline({
  collectors: [use(hostMetricsCollector, { collection_interval: '1s', initial_delay: '0s' })],
  processors: [use(wasmProcessor, { path: filterPlugin, config: { exclude: ['system.cpu.time'] } })],
  exporters,
});

await pipeline.start();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
await pipeline.shutdown();

const counts = pipeline.telemetry.snapshot();
const value = (id: string, name: string) => counts[id]?.find((entry) => entry.name === name)?.value ?? 0;
console.log(
  JSON.stringify({
    runtime: platform.runtime,
    accepted: value('host_metrics', 'wasmpipe.collector.accepted'),
    filtered: value('wasm', 'wasmpipe.processor.incoming') - value('wasm', 'wasmpipe.processor.outgoing'),
    sent: value('debug', 'wasmpipe.exporter.sent'),
  }),
);
