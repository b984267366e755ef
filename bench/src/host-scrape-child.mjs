// The subject of the host-metrics-scrape benchmark, in its own process so its CPU time is its own:
// the host_metrics collector with the scrapers of the embedded default config. It prints `ready`
// after warming up, then for each `go N` line on stdin runs N full scrapes (collect, then encode
// the batch as an OTLP protobuf request, as an exporter would) and prints `done N <points>`.
import { createInterface } from 'node:readline';
import { defaultConfigYaml } from '@wasmpipe/cli';
import { hostMetricsCollector } from '@wasmpipe/collectors';
import { countDataPoints, createLogger, getPlatform, parseYaml, Telemetry } from '@wasmpipe/core';
import { encodeMetricsRequest } from '@wasmpipe/exporters';

const embedded = parseYaml(
  defaultConfigYaml(() => undefined),
  '<embedded default>',
);
const problems = [];
const config = hostMetricsCollector.config.parse(embedded.value.collectors.host_metrics, 'host_metrics', problems);
if (problems.length > 0) throw new Error(JSON.stringify(problems));
const collector = await hostMetricsCollector.create(
  config,
  {
    id: 'host_metrics',
    logger: createLogger({ write: () => {} }),
    telemetry: new Telemetry().forComponent('host_metrics'),
    platform: getPlatform(),
    configDirectory: '.',
  },
  { consumeMetrics: async () => {} },
);

let points = 0;
async function scrape() {
  const batch = await collector.collect();
  points = countDataPoints(batch);
  encodeMetricsRequest(batch);
}

for (let index = 0; index < 20; index++) await scrape();
console.log(`ready ${Object.keys(config.scrapers).join(',')}`);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, count] = line.split(' ');
  if (command !== 'go') break;
  for (let index = 0; index < Number(count); index++) await scrape();
  console.log(`done ${count} ${points}`);
}
