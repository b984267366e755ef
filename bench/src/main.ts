// `npm run bench [-- scenario-name ...] [--runs N]`: runs the benchmark scenarios and writes
// their figures to bench/results/.
import { type Comparison, printComparison, type Scenario, writeResults } from './harness.ts';
import { codecThroughput } from './scenarios/codec-throughput.ts';
import { hostMetricsScrape } from './scenarios/host-metrics-scrape.ts';
import { natsScaleOut } from './scenarios/nats-scale-out.ts';
import { nginxAccessLog } from './scenarios/nginx-access-log.ts';
import { nginxScrapeCost } from './scenarios/nginx-scrape-cost.ts';
import { otlpEncoding } from './scenarios/otlp-encoding.ts';
import { otlpReceiverThroughput } from './scenarios/otlp-receiver.ts';
import { pluginCallCost } from './scenarios/plugin-call-cost.ts';
import { pluginChain } from './scenarios/plugin-chain.ts';
import { pluginChainJs } from './scenarios/plugin-chain-js.ts';
import { pluginIsolation } from './scenarios/plugin-isolation.ts';
import { sliceThroughput } from './scenarios/slice-throughput.ts';

const scenarios: Scenario[] = [
  sliceThroughput,
  hostMetricsScrape,
  nginxScrapeCost,
  otlpEncoding,
  otlpReceiverThroughput,
  codecThroughput,
  pluginChain,
  pluginIsolation,
  nginxAccessLog,
  pluginCallCost,
  pluginChainJs,
  natsScaleOut,
];

const args = process.argv.slice(2);
const runsFlag = args.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 5;
const names = args.filter((arg, index) => !arg.startsWith('--') && index !== runsFlag + 1);
const selected = names.length > 0 ? scenarios.filter((scenario) => names.includes(scenario.name)) : scenarios;
if (selected.length === 0) {
  console.error(
    `No scenario named ${names.join(', ')}; known: ${scenarios.map((scenario) => scenario.name).join(', ')}.`,
  );
  process.exit(2);
}

const results: Record<string, Comparison[]> = {};
for (const scenario of selected) {
  console.log(`\n${scenario.name}: ${scenario.description}`);
  results[scenario.name] = await scenario.run({ runs });
  for (const comparison of results[scenario.name] ?? []) printComparison(comparison);
}
console.log(`\nResults written to ${writeResults(results)}.`);
