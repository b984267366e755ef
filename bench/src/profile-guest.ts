// Profiling driver: calls one plugin's process_metrics on the same contract bytes in a loop, so
// `node --cpu-prof` attributes the time inside the guest (build the plugin with `--debug` to
// keep function names).  node --cpu-prof --import tsx bench/src/profile-guest.ts <plugin.wasm> <config json> [seconds]
import { readFile } from 'node:fs/promises';
import type { MetricsBatch } from '@wasmpipe/core';
import { encodeMetricsBatch, WapcPlugin } from '@wasmpipe/host-wapc';

const [path, configJson, secondsText] = process.argv.slice(2);
const now = 1_700_000_000_000_000_000n;
const batch: MetricsBatch = {
  resourceMetrics: [
    {
      resource: { attributes: { 'resource-attr-1': 'value-1', 'host.name': 'testbed' } },
      scopeMetrics: [
        {
          scope: { name: 'load-generator', version: '0.1.0' },
          metrics: Array.from({ length: 100 }, (_, index) => ({
            name: `load_generator_${index}`,
            description: `Load Generator Counter #${index}`,
            unit: '1',
            data: {
              type: 'gauge' as const,
              dataPoints: Array.from({ length: 7 }, (_, point) => ({
                attributes: { item_index: `item_${point}`, batch_index: 'batch_1' },
                startTimeUnixNano: now,
                timeUnixNano: now,
                value: index * 7 + point,
                isInteger: true,
              })),
            },
          })),
        },
      ],
    },
  ],
};
const plugin = await WapcPlugin.load(new Uint8Array(await readFile(path as string)));
await plugin.configure(JSON.parse(configJson ?? 'null'));
const input = encodeMetricsBatch(batch);
const seconds = Number(secondsText ?? 3);
let calls = 0;
const begin = performance.now();
while (performance.now() - begin < seconds * 1000) {
  await plugin.call('process_metrics', input);
  calls++;
}
console.log(`${(((performance.now() - begin) * 1000) / calls).toFixed(1)} us per call`);
await plugin.close();
