// A/B driver for guest changes: several builds of one plugin, called alternately in one process
// on the same contract bytes (a testbed-shaped batch: 100 gauges x 7 points), medians per call.
// The machine is shared, so builds are compared in the same run, round by round.
//   node --import tsx bench/src/compare-guests.ts '<config json>' a.wasm b.wasm ...
import { readFile } from 'node:fs/promises';
import { encodeMetricsBatch, WapcPlugin } from '@wasmpipe/host-wapc';
import { testbedBatch } from './scenarios/max-throughput-batches.ts';

const [configJson, ...paths] = process.argv.slice(2);
const input = encodeMetricsBatch(testbedBatch(700));
const plugins = await Promise.all(
  paths.map(async (path) => {
    const plugin = await WapcPlugin.load(new Uint8Array(await readFile(path)));
    await plugin.configure(JSON.parse(configJson ?? 'null'));
    return plugin;
  }),
);
const answers = await Promise.all(plugins.map((plugin) => plugin.call('process_metrics', input)));
for (const [index, answer] of answers.entries())
  if (Buffer.compare(answer, answers[0] as Uint8Array) !== 0)
    console.log(`${paths[index]}: answer differs from ${paths[0]}`);
const rounds = Number(process.env.ROUNDS ?? 15);
const calls = Number(process.env.CALLS ?? 40);
const times = plugins.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  for (const [index, plugin] of plugins.entries()) {
    const begin = performance.now();
    for (let call = 0; call < calls; call++) await plugin.call('process_metrics', input);
    times[index]?.push(((performance.now() - begin) * 1000) / calls);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
for (const [index, path] of paths.entries())
  console.log(
    `${median(times[index] as number[])
      .toFixed(1)
      .padStart(8)} us/call  ${path}`,
  );
for (const plugin of plugins) await plugin.close();
