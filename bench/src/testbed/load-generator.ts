// An OTLP/HTTP load generator in its own process, for the testbeds and the soak test: it sends
// batches in the OpenTelemetry Collector's testbed shapes (Metric10kDPS: 100 gauges × 7 points;
// Log10kDPS: 100 records) at a fixed number of batches per second and counts what the receiver
// took. Running in a second process keeps its CPU out of the measured process.
//
//   const load = await startLoadGenerator({ endpoint: 'http://127.0.0.1:4318', signal: 'metrics', batchesPerSecond: 100 });
//   ...; const summary = await load.stop();   // or `await load.finished` with `seconds`
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./load-generator-process.ts', import.meta.url));
const BENCH_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));

/** What to send. */
export interface LoadGeneratorOptions {
  /** Base URL of an OTLP/HTTP receiver, e.g. `http://127.0.0.1:4318` (`/v1/metrics` or `/v1/logs` is added). */
  endpoint: string;
  signal: 'metrics' | 'logs';
  batchesPerSecond: number;
  /** Metrics per batch (each with `pointsPerMetric` points), or log records per batch. Default 100. */
  itemsPerBatch?: number;
  /** Default 7, the Collector's. */
  pointsPerMetric?: number;
  /** Requests in flight at most. Default 8. */
  concurrency?: number;
  /**
   * Distinct batches built and encoded before sending starts, then sent in turn (values, indexes
   * and timestamps differ between them). Default 200, two seconds of the Collector's rate.
   */
  distinctBatches?: number;
  /** Stop by itself after this many seconds; 0 (default) runs until `stop()`. */
  seconds?: number;
}

/** What the generator sent. Items are data points (metrics) or log records (logs). */
export interface LoadSummary {
  signal: 'metrics' | 'logs';
  /** Batches and items the receiver answered 2xx to. */
  batchesSent: number;
  itemsSent: number;
  /** Batches and items refused or lost in transport (not retried). */
  batchesFailed: number;
  itemsFailed: number;
  /** Answers by HTTP status or transport error code. */
  statusCounts: Record<string, number>;
  /** Seconds the generator was sending. */
  seconds: number;
  /** Batches started, and those started more than one interval after they fell due (the receiver lagged). */
  batchesDue: number;
  lateBatches: number;
  inFlight?: number;
}

/** A running load generator. */
export interface LoadGenerator {
  pid: number;
  /** Resolves with the summary once the generator stopped (by `seconds` or `stop()`). */
  finished: Promise<LoadSummary>;
  /** Asks the generator to stop, waits for requests in flight, resolves with the summary. */
  stop(): Promise<LoadSummary>;
  /** The counts so far. */
  stats(): Promise<LoadSummary>;
}

/** Starts the load generator process and resolves once it is sending. */
export async function startLoadGenerator(options: LoadGeneratorOptions): Promise<LoadGenerator> {
  const resolved: Required<LoadGeneratorOptions> = {
    itemsPerBatch: 100,
    pointsPerMetric: 7,
    concurrency: 8,
    distinctBatches: 200,
    seconds: 0,
    ...options,
  };
  const child: ChildProcess = fork(CHILD, [JSON.stringify(resolved)], {
    cwd: BENCH_DIRECTORY,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let statsWaiters: ((summary: LoadSummary) => void)[] = [];
  const finished = new Promise<LoadSummary>((resolve, reject) => {
    child.on('message', (message: { type: string; summary?: LoadSummary }) => {
      if (message.type === 'summary' && message.summary) resolve(message.summary);
      if (message.type === 'stats' && message.summary) {
        for (const waiter of statsWaiters) waiter(message.summary);
        statsWaiters = [];
      }
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`The load generator exited (code ${code}, signal ${signal}) before reporting.`)),
    );
  });
  finished.catch(() => {});
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`The load generator exited with code ${code} at start.`)));
  });
  const killTimer = () => setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
  return {
    pid: child.pid as number,
    finished,
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      const timer = killTimer();
      try {
        return await finished;
      } finally {
        clearTimeout(timer);
      }
    },
    stats() {
      return new Promise((resolve) => {
        statsWaiters.push(resolve);
        child.send({ type: 'stats' });
      });
    },
  };
}
