// A counting OTLP/HTTP sink in its own process, for the testbeds and the soak test: it decodes
// every export request and counts data points and log records, so "sent = received" can be
// checked; optionally it counts items whose resource lacks an attribute a plugin should have set.
//
//   const sink = await startCountingSink({ expectResourceAttribute: 'deployment.environment' });
//   // point an otlp_http exporter at sink.url; then:
//   await sink.waitFor({ points: 70_000 }, 30_000); const stats = await sink.stats(); await sink.stop();
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleep } from './proc.ts';

const CHILD = fileURLToPath(new URL('./counting-sink-process.ts', import.meta.url));
const BENCH_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));

/** What the sink received. */
export interface SinkStats {
  requests: number;
  /** Bytes as received (compressed when the sender compressed). */
  bytes: number;
  points: number;
  records: number;
  /** Requests that could not be decompressed or decoded (answered 400). */
  undecodable: number;
  /** Points or records whose resource lacked the expected attribute. */
  withoutExpectedAttribute: number;
  /** Unix milliseconds of the last request. */
  lastRequestAt: number;
}

/** A running sink. */
export interface CountingSink {
  pid: number;
  /** Base URL, e.g. `http://127.0.0.1:40123` (it takes `/v1/metrics` and `/v1/logs`). */
  url: string;
  stats(): Promise<SinkStats>;
  /** Resolves with the stats once at least `points` and `records` arrived, or with the stats so far after `timeoutMs`. */
  waitFor(wanted: { points?: number; records?: number }, timeoutMs: number): Promise<SinkStats>;
  stop(): Promise<void>;
}

/** Starts the sink process on a free loopback port. */
export async function startCountingSink(options: { expectResourceAttribute?: string } = {}): Promise<CountingSink> {
  const child: ChildProcess = fork(CHILD, [options.expectResourceAttribute ?? ''], {
    cwd: BENCH_DIRECTORY,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`The counting sink exited with code ${code} at start.`)));
  });
  let waiters: ((stats: SinkStats) => void)[] = [];
  child.on('message', (message: { type: string; stats?: SinkStats }) => {
    if (message.type === 'stats' && message.stats) {
      const stats = message.stats;
      for (const waiter of waiters) waiter(stats);
      waiters = [];
    }
  });
  const stats = () =>
    new Promise<SinkStats>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error('The counting sink is not running.'));
        return;
      }
      waiters.push(resolve);
      child.send({ type: 'stats' });
    });
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    stats,
    async waitFor(wanted, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const current = await stats();
        if (current.points >= (wanted.points ?? 0) && current.records >= (wanted.records ?? 0)) return current;
        if (performance.now() > deadline) return current;
        await sleep(100);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
