// Scenario 2, the log testbed: the OpenTelemetry Collector's Log10kDPS load (100 records per
// batch, 100 batches/s = 10,000 records/s) over OTLP/HTTP protobuf from a load generator process
// to `wasmpipe run` (otlp receiver → wasm/redact → otlp_http) and on to a counting sink process.
// CPU and RSS of the wasmpipe process, sampled every second, beside the same binary without the
// plugin and the Collector's published figure. A run where the sink did not get every record fails.
import { type Reference, type Scenario, sized } from '../harness.ts';
import { runSubjectAndPeer, runTestbed } from '../testbed/testbed.ts';
import { pluginPath } from '../testbed/wasmpipe-process.ts';
import { COLLECTOR_SOURCE, testbedComparisons } from './metric-testbed.ts';

const BATCHES_PER_SECOND = 100;
const RECORDS_PER_BATCH = 100;

function config(withPlugin: boolean) {
  return (receiver: string, sink: string) => `
collectors:
  otlp:
    protocols:
      http: { endpoint: "${receiver}" }
processors:
  wasm/redact:
    path: ${pluginPath('redact')}
exporters:
  otlp_http: { endpoint: "${sink}" }
pipelines:
  logs:
    collectors: [otlp]
    processors: [${withPlugin ? 'wasm/redact' : ''}]
    exporters: [otlp_http]
`;
}

const cpuReferences: Reference[] = [
  { name: 'OTel Collector (Go), Log10kDPS', value: 10.5, source: COLLECTOR_SOURCE.replace('Metric', 'Log') },
];

export const logTestbed: Scenario = {
  name: 'log-testbed',
  description: `Collector Log10kDPS shape (${RECORDS_PER_BATCH} records × ${BATCHES_PER_SECOND} batches/s = ${RECORDS_PER_BATCH * BATCHES_PER_SECOND} records/s) over OTLP/HTTP -> wasmpipe run (otlp -> redact -> otlp_http) -> counting sink; CPU and RSS of wasmpipe`,
  async run({ runs }) {
    const once = (withPlugin: boolean) =>
      runTestbed({
        signal: 'logs',
        config: config(withPlugin),
        batchesPerSecond: BATCHES_PER_SECOND,
        itemsPerBatch: RECORDS_PER_BATCH,
        warmupSeconds: sized(3, 1),
        seconds: sized(20, 3),
      });
    const [subject, peer] = await runSubjectAndPeer(runs, once, 'records');
    return testbedComparisons(
      { name: 'wasmpipe run, redact plugin', runs: subject },
      { name: 'wasmpipe run, no processors', runs: peer },
      {
        itemsPerSecond: RECORDS_PER_BATCH * BATCHES_PER_SECOND,
        cpuTarget: 10,
        cpuReferences,
        rssReferences: [],
      },
    );
  },
};
