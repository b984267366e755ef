// A real prometheus-node-exporter for comparison tests and benchmarks: started on a free loopback
// port, scraped over HTTP, stopped. Not part of the public entry. Runs under Node, Deno and Bun.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import process from 'node:process';

/** Where the Debian package installs it; `NODE_EXPORTER_BINARY` overrides it. */
export const DEFAULT_NODE_EXPORTER_BINARY = '/usr/bin/prometheus-node-exporter';

/** The binary to use, or undefined when it is not installed. */
export function findNodeExporter(): string | undefined {
  const configured = process.env['NODE_EXPORTER_BINARY'];
  if (configured) return existsSync(configured) ? configured : undefined;
  return existsSync(DEFAULT_NODE_EXPORTER_BINARY) ? DEFAULT_NODE_EXPORTER_BINARY : undefined;
}

/**
 * For a test's `skip` option: false when node_exporter is installed or under CI (where a missing
 * binary must fail the test, not skip it), else the reason to skip.
 */
export function nodeExporterSkipReason(): string | false {
  if (findNodeExporter() || process.env['CI'] === 'true') return false;
  return 'prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter); skipping.';
}

/** A running node_exporter. */
export interface NodeExporter {
  readonly pid: number;
  readonly url: string;
  /** Fetches `/metrics` and parses the text format. */
  scrape(): Promise<Samples>;
  stop(): Promise<void>;
}

/** Samples of a Prometheus text exposition: one per line, labels as given. */
export type Samples = Array<{ name: string; labels: Record<string, string>; value: number }>;

/** A port nobody listens on now (bound and released; a small race remains, retried by the caller). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts node_exporter with `args` (collector flags) on a free loopback port and waits until it answers. */
export async function startNodeExporter(args: readonly string[] = []): Promise<NodeExporter> {
  const binary = findNodeExporter();
  if (!binary)
    throw new Error(`prometheus-node-exporter is not installed (looked for ${DEFAULT_NODE_EXPORTER_BINARY}).`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      await waitUntilAnswering(url, child, 20_000);
      return {
        pid: child.pid as number,
        url,
        scrape: async () => parsePrometheusText(await (await fetch(url)).text()),
        stop: () => stop(child, exited),
      };
    } catch (error) {
      lastError = new Error(
        `${error instanceof Error ? error.message : String(error)} Its output: ${output.slice(-500)}`,
      );
      await stop(child, exited);
    }
  }
  throw lastError;
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMillis: number): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited with ${child.exitCode}.`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`node_exporter did not answer on ${url} within ${timeoutMillis} ms.`);
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Parses the Prometheus text format: comments skipped, label values unescaped, no timestamps kept. */
export function parsePrometheusText(text: string): Samples {
  const samples: Samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    const labels: Record<string, string> = {};
    let rest: string;
    if (brace >= 0 && brace < space) {
      name = line.slice(0, brace);
      const close = line.lastIndexOf('}');
      const body = line.slice(brace + 1, close);
      for (const match of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      }
      rest = line.slice(close + 1).trim();
    } else {
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    samples.push({ name, labels, value: Number(rest.split(' ')[0]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`; throws when there is none. */
export function sampleValue(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  const sample = samples.find(
    (candidate) =>
      candidate.name === name && Object.entries(labels).every(([key, value]) => candidate.labels[key] === value),
  );
  if (!sample) throw new Error(`node_exporter reported no ${name}${JSON.stringify(labels)}.`);
  return sample.value;
}

/** The CPU seconds node_exporter's own process used so far, from /proc/<pid>/stat. */
export { processCpuSeconds } from './process-cpu.test-support.ts';
