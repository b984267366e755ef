// Scenario 1, the metric testbed: the OpenTelemetry Collector's Metric10kDPS load (100 gauges × 7
// points per batch, 100 batches/s, about 70,000 points/s) over OTLP/HTTP protobuf from a load
// generator process to `wasmpipe run` (otlp receiver → wasm/filter → wasm/enrich → wasm/transform
// → otlp_http) and on to a counting sink process. CPU (utime + stime) and RSS of the wasmpipe
// process, sampled every second, beside the same binary without the plugins, and beside the Go
// Collector's published figures for this test. A run where the sink did not get every point fails.
import { type Comparison, type Reference, type Scenario, sized } from '../harness.ts';
import { runSubjectAndPeer, runTestbed, type TestbedRun } from '../testbed/testbed.ts';
import { pluginPath } from '../testbed/wasmpipe-process.ts';

const BATCHES_PER_SECOND = 100;
const METRICS_PER_BATCH = 100;
const POINTS_PER_SECOND = BATCHES_PER_SECOND * METRICS_PER_BATCH * 7;

function config(withPlugins: boolean) {
  return (receiver: string, sink: string) => `
collectors:
  otlp:
    protocols:
      http: { endpoint: "${receiver}" }
processors:
  wasm/filter:
    path: ${pluginPath('filter')}
    config: { exclude: ["system.*"] }
  wasm/enrich:
    path: ${pluginPath('enrich')}
    config: { resource: { deployment.environment: production }, attributes: { team: web } }
  wasm/transform:
    path: ${pluginPath('transform')}
    config: { rename_attributes: { item_index: item.index } }
exporters:
  otlp_http: { endpoint: "${sink}" }
pipelines:
  metrics:
    collectors: [otlp]
    processors: [${withPlugins ? 'wasm/filter, wasm/enrich, wasm/transform' : ''}]
    exporters: [otlp_http]
`;
}

/** The published figures beside ours: the Go Collector's run of this test, NGINX Agent v3's allowance. */
export const COLLECTOR_SOURCE = 'OpenTelemetry Collector load tests (testbed, Metric10kDPS/OTLP-HTTP)';
const cpuReferences: Reference[] = [
  { name: 'OTel Collector (Go), Metric10kDPS', value: 25.7, source: COLLECTOR_SOURCE },
  { name: 'NGINX Agent v3 allowance', value: 20, source: 'NGINX Agent v3 documented resource limits' },
];
const rssReferences: Reference[] = [
  { name: 'OTel Collector (Go), Metric10kDPS', value: [55, 79], source: COLLECTOR_SOURCE },
  { name: 'NGINX Agent v3 allowance', value: 200, source: 'NGINX Agent v3 documented resource limits' },
];

/** The four figures of a testbed (CPU average and max, RSS average and max), subject beside peer. */
export function testbedComparisons(
  subject: { name: string; runs: TestbedRun[] },
  peer: { name: string; runs: TestbedRun[] },
  extra: {
    itemsPerSecond: number;
    cpuTarget: number;
    rssTarget?: number;
    cpuReferences: Reference[];
    rssReferences: Reference[];
  },
): Comparison[] {
  const achieved = (run: TestbedRun) => run.load.itemsSent / run.load.seconds;
  const figure = (
    metric: string,
    unit: string,
    pick: (run: TestbedRun) => number,
    more: Partial<Comparison> = {},
  ): Comparison => ({
    metric,
    unit,
    higherIsBetter: false,
    subject: { name: subject.name, runs: subject.runs.map(pick) },
    peer: { name: peer.name, runs: peer.runs.map(pick) },
    ...more,
  });
  const last = subject.runs.at(-1);
  const details: Record<string, number> = last
    ? {
        sentPerRun: last.load.itemsSent,
        receivedPerRun: last.sink.points + last.sink.records,
        secondsSampled: Number(last.samples.seconds.toFixed(1)),
        lateBatches: last.load.lateBatches,
      }
    : {};
  return [
    {
      metric: 'items taken per second (the load asked for)',
      unit: 'items/s',
      higherIsBetter: true,
      subject: { name: subject.name, runs: subject.runs.map(achieved) },
      peer: { name: peer.name, runs: peer.runs.map(achieved) },
      targets: [
        { name: `the load's ${extra.itemsPerSecond} items/s, within 5%`, atLeast: extra.itemsPerSecond * 0.95 },
      ],
    },
    figure('CPU average at the rate taken', '% of one core', (run) => run.samples.cpuAverage, { details }),
    // On a shared machine the load may not reach its rate; CPU time per item barely depends on
    // the rate, so the CPU the full rate would take is the measured CPU scaled by asked / taken.
    figure(
      'CPU average at the full rate (scaled by asked/taken)',
      '% of one core',
      (run) => (run.samples.cpuAverage * extra.itemsPerSecond) / Math.min(extra.itemsPerSecond, achieved(run)),
      {
        targets: [{ name: `CPU ≤ ${extra.cpuTarget}% of one core`, atMost: extra.cpuTarget }],
        references: extra.cpuReferences,
      },
    ),
    figure('CPU max (1 s interval)', '% of one core', (run) => run.samples.cpuMax),
    figure('RSS average', 'MiB', (run) => run.samples.rssAverage, {
      ...(extra.rssTarget ? { targets: [{ name: `RSS ≤ ${extra.rssTarget} MiB`, atMost: extra.rssTarget }] } : {}),
      references: extra.rssReferences,
    }),
    figure('RSS max', 'MiB', (run) => run.samples.rssMax, {
      ...(extra.rssTarget ? { targets: [{ name: `RSS ≤ ${extra.rssTarget} MiB`, atMost: extra.rssTarget }] } : {}),
    }),
  ];
}

export const metricTestbed: Scenario = {
  name: 'metric-testbed',
  description: `Collector Metric10kDPS shape (${METRICS_PER_BATCH} gauges × 7 points, ${BATCHES_PER_SECOND} batches/s = ${POINTS_PER_SECOND} points/s) over OTLP/HTTP -> wasmpipe run (otlp -> filter, enrich, transform -> otlp_http) -> counting sink; CPU and RSS of wasmpipe`,
  async run({ runs }) {
    const once = (withPlugins: boolean) =>
      runTestbed({
        signal: 'metrics',
        config: config(withPlugins),
        batchesPerSecond: BATCHES_PER_SECOND,
        itemsPerBatch: METRICS_PER_BATCH,
        warmupSeconds: sized(3, 1),
        seconds: sized(20, 3),
        ...(withPlugins ? { expectResourceAttribute: 'deployment.environment' } : {}),
      });
    const [subject, peer] = await runSubjectAndPeer(runs, once, 'points');
    return testbedComparisons(
      { name: 'wasmpipe run, 3 Wasm plugins', runs: subject },
      { name: 'wasmpipe run, no processors', runs: peer },
      { itemsPerSecond: POINTS_PER_SECOND, cpuTarget: 15, rssTarget: 120, cpuReferences, rssReferences },
    );
  },
};
