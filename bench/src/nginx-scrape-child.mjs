// The subject of the nginx-scrape-cost scenario, in its own process so that /proc accounts for it
// alone: the built `nginx` collector scraping stub_status, each batch encoded as an OTLP protobuf
// request (what an exporter would send). Commands on stdin: "scrape <n>" runs n scrapes in a row
// and answers "done <bytes>"; "exit" leaves.
import { createInterface } from 'node:readline';
import { nginxCollector } from '@wasmpipe/collectors';
import { getPlatform, silentLogger, Telemetry } from '@wasmpipe/core';
import { encodeMetricsRequest } from '@wasmpipe/exporters';

const endpoint = process.argv[2];
const problems = [];
const config = nginxCollector.config.parse({ endpoint, initial_delay: 0 }, 'nginx', problems);
if (problems.length > 0) throw new Error(JSON.stringify(problems));
const collector = await nginxCollector.create(
  config,
  {
    id: 'nginx',
    logger: silentLogger,
    telemetry: new Telemetry().forComponent('nginx'),
    platform: getPlatform(),
    configDirectory: '.',
  },
  { consumeMetrics: async () => {} },
);

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  const [command, argument] = line.trim().split(/\s+/);
  if (command === 'exit') break;
  if (command !== 'scrape') continue;
  let bytes = 0;
  for (let index = 0; index < Number(argument); index++) {
    const batch = await collector.collect();
    if (batch.resourceMetrics[0].scopeMetrics[0].metrics.length < 2) throw new Error('A scrape failed.');
    bytes += encodeMetricsRequest(batch).byteLength;
  }
  process.stdout.write(`done ${bytes}\n`);
}
await collector.shutdown();
process.exit(0);
