// One testbed run, the way the OpenTelemetry Collector's testbed runs its load tests: a load
// generator process sends OTLP/HTTP at a fixed rate to the real `wasmpipe run` process, which
// exports to a counting sink process; the wasmpipe process's CPU and RSS are sampled every second
// from /proc. The run fails unless the sink received exactly what the receiver accepted, nothing
// was refused, and (when asked) every item carries the resource attribute a plugin sets.
import { type CountingSink, type SinkStats, startCountingSink } from './counting-sink.ts';
import { type LoadSummary, startLoadGenerator } from './load-generator.ts';
import { freePort, type ProcessSamples, sampleProcess, sleep } from './proc.ts';
import { startWasmpipe, type WasmpipeProcess } from './wasmpipe-process.ts';

/** What one testbed run is. */
export interface TestbedOptions {
  signal: 'metrics' | 'logs';
  /** The config, given the receiver's `host:port` and the sink's base URL. */
  config(receiverEndpoint: string, sinkUrl: string): string;
  batchesPerSecond: number;
  itemsPerBatch?: number;
  /** Requests in flight at most (the load generator's default: 8). */
  concurrency?: number;
  /** Seconds of load before sampling starts (JIT warm-up), then seconds sampled. */
  warmupSeconds: number;
  seconds: number;
  /** A resource attribute every item must carry at the sink (set by a plugin). */
  expectResourceAttribute?: string;
}

/** What one run measured. */
export interface TestbedRun {
  samples: ProcessSamples;
  load: LoadSummary;
  sink: SinkStats;
  /** The wasmpipe process's counters at the end of the load, per component. */
  components: Record<string, Record<string, number>>;
}

/**
 * Runs the subject (`once(true)`) and its peer (`once(false)`) alternately `runs` times, then prints
 * what the subject's last run sent, received and counted.
 */
export async function runSubjectAndPeer(
  runs: number,
  once: (subject: boolean) => Promise<TestbedRun>,
  unit: 'points' | 'records',
): Promise<[subject: TestbedRun[], peer: TestbedRun[]]> {
  const subject: TestbedRun[] = [];
  const peer: TestbedRun[] = [];
  for (let index = 0; index < runs; index++) {
    subject.push(await once(true));
    peer.push(await once(false));
  }
  const last = subject.at(-1);
  if (last) {
    console.log(
      `  last run: sent ${last.load.itemsSent} ${unit} in ${last.load.seconds.toFixed(1)} s, received ${last.sink[unit]}; ${last.load.lateBatches} late batches.`,
    );
    console.log(`  wasmpipe counters: ${JSON.stringify(last.components)}`);
  }
  return [subject, peer];
}

/** Runs the testbed once; throws when the counts do not match. */
export async function runTestbed(options: TestbedOptions): Promise<TestbedRun> {
  const sink: CountingSink = await startCountingSink(
    options.expectResourceAttribute ? { expectResourceAttribute: options.expectResourceAttribute } : {},
  );
  let wasmpipe: WasmpipeProcess | undefined;
  try {
    const receiverPort = await freePort();
    wasmpipe = await startWasmpipe(options.config(`127.0.0.1:${receiverPort}`, sink.url));
    const load = await startLoadGenerator({
      endpoint: `http://127.0.0.1:${receiverPort}`,
      signal: options.signal,
      batchesPerSecond: options.batchesPerSecond,
      ...(options.itemsPerBatch ? { itemsPerBatch: options.itemsPerBatch } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    });
    let samples: ProcessSamples;
    let summary: LoadSummary;
    try {
      await sleep(options.warmupSeconds * 1000);
      const sampler = sampleProcess(wasmpipe.pid);
      await sleep(options.seconds * 1000);
      samples = sampler.stop();
    } finally {
      summary = await load.stop();
    }
    const wanted = options.signal === 'metrics' ? { points: summary.itemsSent } : { records: summary.itemsSent };
    const sinkStats = await sink.waitFor(wanted, 60_000);
    const components = await wasmpipe.components().catch(() => ({}));
    const received = options.signal === 'metrics' ? sinkStats.points : sinkStats.records;
    const problems: string[] = [];
    if (received !== summary.itemsSent)
      problems.push(`sent ${summary.itemsSent} ${options.signal} items but the sink received ${received}`);
    if (summary.itemsFailed > 0)
      problems.push(`the receiver refused ${summary.itemsFailed} items (${JSON.stringify(summary.statusCounts)})`);
    if (sinkStats.undecodable > 0) problems.push(`the sink could not decode ${sinkStats.undecodable} requests`);
    if (sinkStats.withoutExpectedAttribute > 0)
      problems.push(
        `${sinkStats.withoutExpectedAttribute} items lack ${options.expectResourceAttribute}: a plugin did not run`,
      );
    if (problems.length > 0) throw new Error(`The testbed run is invalid: ${problems.join('; ')}.`);
    return { samples, load: summary, sink: sinkStats, components };
  } finally {
    await wasmpipe?.stop();
    await sink.stop();
  }
}
