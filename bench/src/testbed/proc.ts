// Process plumbing for the testbeds: CPU time and RSS of a process from /proc, a once-a-second
// sampler (the way the Collector's testbed samples its collector), free loopback ports, waiting
// for a port, and stopping a child process for sure.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU seconds of a process (all its threads), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of a process in MiB, from /proc/<pid>/status. */
export function rssMebibytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1]) / 1024;
}

/** What a sampler saw: CPU as % of one core (100 = one core busy), RSS in MiB. */
export interface ProcessSamples {
  /** CPU time over wall time of the whole sampled window, in % of one core. */
  cpuAverage: number;
  /** The busiest one-second interval, in % of one core. */
  cpuMax: number;
  rssAverage: number;
  rssMax: number;
  /** CPU seconds used in the window. */
  cpuSeconds: number;
  /** Wall seconds of the window. */
  seconds: number;
  /** Per-interval CPU %, and RSS at each sample. */
  cpu: number[];
  rss: number[];
}

/** Samples a process's CPU and RSS every `intervalMs` until `stop()`, which returns the figures. */
export function sampleProcess(pid: number, intervalMs = 1000) {
  const firstCpu = cpuSeconds(pid);
  const firstTime = performance.now();
  let lastCpu = firstCpu;
  let lastTime = firstTime;
  const cpu: number[] = [];
  const rss: number[] = [rssMebibytes(pid)];
  const take = () => {
    const nowCpu = cpuSeconds(pid);
    const now = performance.now();
    if (now > lastTime) cpu.push(((nowCpu - lastCpu) / ((now - lastTime) / 1000)) * 100);
    rss.push(rssMebibytes(pid));
    lastCpu = nowCpu;
    lastTime = now;
  };
  const timer = setInterval(take, intervalMs);
  return {
    stop(): ProcessSamples {
      clearInterval(timer);
      take();
      const seconds = (lastTime - firstTime) / 1000;
      const used = lastCpu - firstCpu;
      return {
        cpuAverage: (used / seconds) * 100,
        cpuMax: Math.max(...cpu),
        rssAverage: rss.reduce((sum, value) => sum + value, 0) / rss.length,
        rssMax: Math.max(...rss),
        cpuSeconds: used,
        seconds,
        cpu,
        rss,
      };
    },
  };
}

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race remains until the user binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (!alive()) throw new Error(`The process meant to listen on port ${port} exited.`);
    if (performance.now() > deadline) throw new Error(`Nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms.`);
    await sleep(50);
  }
}

/** Stops a child: `signal`, then SIGKILL after `graceMs`; resolves with its exit code once it exited. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
