// Profiling driver: calls one plugin's process_metrics on the same contract bytes in a loop, so
// `node --cpu-prof` attributes the time inside the guest (build the plugin with `--debug` to
// keep function names).  node --cpu-prof --import tsx bench/src/profile-guest.ts <plugin.wasm> <config json> [seconds]
import { readFile } from 'node:fs/promises';
import { encodeMetricsBatch, WapcPlugin } from '@wasmpipe/host-wapc';
import { testbedBatch } from './scenarios/max-throughput-batches.ts';

const [path, configJson, secondsText] = process.argv.slice(2);
const plugin = await WapcPlugin.load(new Uint8Array(await readFile(path as string)));
await plugin.configure(JSON.parse(configJson ?? 'null'));
const input = encodeMetricsBatch(testbedBatch(700));
const seconds = Number(secondsText ?? 3);
let calls = 0;
const begin = performance.now();
while (performance.now() - begin < seconds * 1000) {
  await plugin.call('process_metrics', input);
  calls++;
}
console.log(`${(((performance.now() - begin) * 1000) / calls).toFixed(1)} us per call`);
await plugin.close();
