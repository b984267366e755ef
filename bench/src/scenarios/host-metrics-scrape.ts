// What a host scrape costs: CPU time per full scrape of host_metrics (the embedded default's
// scrapers, the batch encoded as OTLP protobuf) against a full scrape of prometheus-node-exporter
// (its default collectors, text format, no compression), both read from the processes' own CPU
// accounting in /proc/<pid>/stat; and the idle RSS of `wasmpipe run` with the embedded default
// against an empty `node` process.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { alternate, type Comparison, median, type Scenario } from '../harness.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const CHILD = fileURLToPath(new URL('../host-scrape-child.mjs', import.meta.url));
const WASMPIPE = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const SCRAPES = 100;

/** User plus system CPU seconds of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMebibytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1]) / 1024;
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** The subject: a child process running host_metrics scrapes on command. */
async function startSubject() {
  const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value ?? '');
  const ready = await next();
  if (!ready.startsWith('ready')) throw new Error(`The scrape child did not start: "${ready}".`);
  let points = 0;
  return {
    scrapers: ready.slice('ready '.length),
    get points() {
      return points;
    },
    async measure(): Promise<number> {
      const before = cpuSeconds(child.pid!);
      child.stdin!.write(`go ${SCRAPES}\n`);
      const done = await next();
      points = Number(done.split(' ')[2]);
      return ((cpuSeconds(child.pid!) - before) / SCRAPES) * 1000;
    },
    stop: () => stopChild(child),
  };
}

/** The peer: node_exporter with its default collectors on a free loopback port. */
async function startPeer() {
  const port = await freePort();
  const child = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/metrics`;
  const scrape = async () => {
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    return response.text();
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await scrape();
      break;
    } catch (error) {
      if (attempt > 200) throw error;
      await sleep(50);
    }
  }
  let samples = 0;
  for (let index = 0; index < 5; index++) await scrape();
  return {
    get samples() {
      return samples;
    },
    async measure(): Promise<number> {
      const before = cpuSeconds(child.pid!);
      for (let index = 0; index < SCRAPES; index++) {
        const text = await scrape();
        samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
      }
      return ((cpuSeconds(child.pid!) - before) / SCRAPES) * 1000;
    },
    stop: () => stopChild(child),
  };
}

/** RSS of `wasmpipe run` with the embedded default, 3 s after its first batch was printed. */
async function wasmpipeIdleRss(): Promise<number> {
  const environment = { ...process.env };
  delete environment['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const child = spawn(process.execPath, [WASMPIPE, 'run'], { stdio: ['ignore', 'pipe', 'ignore'], env: environment });
  try {
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('wasmpipe printed no batch within 30 s.')), 30_000);
      lines.on('line', (line) => {
        if (line.startsWith('Metrics:')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await sleep(3000);
    return rssMebibytes(child.pid!);
  } finally {
    await stopChild(child, 'SIGINT');
  }
}

/** RSS of a `node` process that does nothing, after the same wait. */
async function emptyNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
  try {
    await sleep(4000);
    return rssMebibytes(child.pid!);
  } finally {
    await stopChild(child);
  }
}

export const hostMetricsScrape: Scenario = {
  name: 'host-metrics-scrape',
  description: `CPU ms per full host scrape (${SCRAPES} scrapes per run) against prometheus-node-exporter; idle RSS of wasmpipe run against an empty node`,
  async run({ runs }): Promise<Comparison[]> {
    const subject = await startSubject();
    const peer = await startPeer();
    let cpu: [number[], number[]];
    try {
      cpu = await alternate(
        runs,
        () => subject.measure(),
        () => peer.measure(),
      );
    } finally {
      await subject.stop();
      await peer.stop();
    }
    console.log(`  host_metrics scrapers: ${subject.scrapers}; ${subject.points} points per scrape.`);
    console.log(`  node_exporter: ${peer.samples} samples per scrape.`);
    const [subjectRss, peerRss] = await alternate(runs, wasmpipeIdleRss, emptyNodeRss);
    console.log(`  idle RSS above an empty node (median): ${(median(subjectRss) - median(peerRss)).toFixed(1)} MiB`);
    return [
      {
        metric: 'CPU time per full scrape',
        unit: 'ms',
        higherIsBetter: false,
        subject: { name: 'host_metrics (embedded default scrapers)', runs: cpu[0] },
        peer: { name: 'prometheus-node-exporter (default collectors)', runs: cpu[1] },
      },
      {
        metric: 'idle RSS',
        unit: 'MiB',
        higherIsBetter: false,
        subject: { name: 'wasmpipe run (embedded default)', runs: subjectRss },
        peer: { name: 'node (empty process)', runs: peerRss },
      },
    ];
  },
};
