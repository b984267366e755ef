// `npm run bench [-- scenario-name ...] [--runs N] [--smoke] [--out DIR] [--markdown] [--list]`:
// runs the benchmark scenarios, prints each figure beside its peer and a summary table, and writes
// every figure to bench/results/<time>.json (and latest.json).
//   --smoke      every scenario for seconds, one run, no warm-up: proves the harness works (CI);
//                figures are checked to exist, never judged. Writes <time>-smoke.json.
//   --out DIR    write the results there instead of bench/results/.
//   --markdown   also print the summary as a Markdown table (for docs/benchmarks.md).
//   --list       print the registered scenario names as JSON and exit.
import os from 'node:os';
import {
  buildReport,
  figureProblems,
  markdownTable,
  printComparison,
  type Scenario,
  type ScenarioResult,
  settings,
  summaryTable,
  writeReport,
} from './harness.ts';
import { codecThroughput } from './scenarios/codec-throughput.ts';
import { extism } from './scenarios/extism.ts';
import { hostMetricsScrape } from './scenarios/host-metrics-scrape.ts';
import { idle } from './scenarios/idle.ts';
import { logTestbed } from './scenarios/log-testbed.ts';
import { maxThroughput, throughputVsBatchSize } from './scenarios/max-throughput.ts';
import { metricTestbed } from './scenarios/metric-testbed.ts';
import { natsScaleOut } from './scenarios/nats-scale-out.ts';
import { nginxAccessLog } from './scenarios/nginx-access-log.ts';
import { nginxScrapeCost } from './scenarios/nginx-scrape-cost.ts';
import { otlpEncoding } from './scenarios/otlp-encoding.ts';
import { otlpReceiverThroughput } from './scenarios/otlp-receiver.ts';
import { pluginCallCost } from './scenarios/plugin-call-cost.ts';
import { pluginChain } from './scenarios/plugin-chain.ts';
import { pluginChainJs } from './scenarios/plugin-chain-js.ts';
import { pluginIsolation } from './scenarios/plugin-isolation.ts';
import { runtimes } from './scenarios/runtimes.ts';
import { sliceThroughput } from './scenarios/slice-throughput.ts';

/** Every registered scenario, in the order `npm run bench` runs them. Add new ones here. */
const scenarios: Scenario[] = [
  metricTestbed,
  logTestbed,
  idle,
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
  maxThroughput,
  throughputVsBatchSize,
  runtimes,
  extism,
  natsScaleOut,
];

const args = process.argv.slice(2);
const flagValue = (flag: string) => {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
};
const valued = new Set(['--runs', '--out']);
const names = args.filter((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));

if (args.includes('--list')) {
  console.log(JSON.stringify(scenarios.map((scenario) => scenario.name)));
  process.exit(0);
}

const smoke = args.includes('--smoke');
settings.smoke = smoke;
const runs = Number(flagValue('--runs') ?? (smoke ? 1 : 5));
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got "${flagValue('--runs')}".`);
  process.exit(2);
}
const unknown = names.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(
    `No scenario named ${unknown.join(', ')}; known: ${scenarios.map((scenario) => scenario.name).join(', ')}.`,
  );
  process.exit(2);
}
const selected = names.length > 0 ? scenarios.filter((scenario) => names.includes(scenario.name)) : scenarios;

const results: Record<string, ScenarioResult> = {};
const failures: string[] = [];
for (const scenario of selected) {
  console.log(`\n${scenario.name}: ${scenario.description}`);
  const startLoad = os.loadavg()[0] as number;
  const begin = performance.now();
  const result: ScenarioResult = {
    description: scenario.description,
    comparisons: [],
    seconds: 0,
    loadAverage: { start: startLoad, end: startLoad },
  };
  try {
    result.comparisons = await scenario.run({ runs, smoke });
    if (result.comparisons.length === 0) result.skipped = true;
    for (const comparison of result.comparisons) printComparison(comparison);
    const problems = result.comparisons.flatMap(figureProblems);
    if (problems.length > 0) throw new Error(`The scenario produced unusable figures: ${problems.join('; ')}.`);
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failures.push(`${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`  FAILED: ${result.error}`);
  }
  result.seconds = Number(((performance.now() - begin) / 1000).toFixed(1));
  result.loadAverage.end = os.loadavg()[0] as number;
  results[scenario.name] = result;
}

const report = buildReport(results, { runs, smoke });
const out = flagValue('--out');
const file = writeReport(report, out);
console.log(`\n${summaryTable(report)}`);
if (args.includes('--markdown')) console.log(`\n${markdownTable(report)}`);
console.log(
  `\nMachine: ${report.machine.cores} × ${report.machine.model}, ${report.machine.os}, Node ${report.machine.node}, load average ${report.machine.loadAverage.join(' ')}.`,
);
console.log(`Results written to ${file}.`);
if (failures.length > 0) {
  console.error(`\n${failures.length} scenario(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
