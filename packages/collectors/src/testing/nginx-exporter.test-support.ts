// Runs prometheus-nginx-exporter (the Debian package) against an nginx for comparison tests and
// benchmarks, and reads its /metrics. Not part of the public entry.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import process from 'node:process';
import { freePort, sleep } from './nginx.test-support.ts';

/** Where the Debian package installs the exporter; `NGINX_EXPORTER_BINARY` overrides it. */
export const DEFAULT_NGINX_EXPORTER_BINARY = '/usr/bin/prometheus-nginx-exporter';

function exporterBinary(): string {
  return process.env['NGINX_EXPORTER_BINARY'] ?? DEFAULT_NGINX_EXPORTER_BINARY;
}

/** For a test's `skip` option: a reason when the exporter is missing (never under `CI=true`). */
export function nginxExporterSkipReason(): string | false {
  if (existsSync(exporterBinary()) || process.env['CI'] === 'true') return false;
  return `prometheus-nginx-exporter is not installed (looked for ${exporterBinary()}); install the Debian package prometheus-nginx-exporter to run this test`;
}

/** A running exporter. */
export interface NginxExporter {
  /** Its /metrics URL. */
  readonly metricsUrl: string;
  readonly pid: number;
  /** GETs /metrics and returns the samples by name (labels dropped; the nginx exporter has none). */
  scrape(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/** Starts the exporter scraping `scrapeUri`, listening on a free loopback port, and waits until it serves. */
export async function startNginxExporter(scrapeUri: string): Promise<NginxExporter> {
  const binary = exporterBinary();
  if (!existsSync(binary)) throw new Error(`prometheus-nginx-exporter is required but ${binary} is missing.`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [`--nginx.scrape-uri=${scrapeUri}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const kill = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const exporter: NginxExporter = {
    metricsUrl,
    pid: child.pid as number,
    scrape: async () => parsePrometheusText(await get(metricsUrl)),
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(kill, 5000);
      await exit;
      clearTimeout(timer);
      process.off('exit', kill);
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`prometheus-nginx-exporter exited at start: ${output}`);
    try {
      await get(metricsUrl.replace('/metrics', '/'));
      return exporter;
    } catch {
      if (Date.now() > deadline) {
        await exporter.stop();
        throw new Error(`prometheus-nginx-exporter did not listen on 127.0.0.1:${port}: ${output}`);
      }
      await sleep(20);
    }
  }
}

/** The samples of a Prometheus text exposition, by metric name (the last value wins). */
export function parsePrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match) samples.set(match[1] as string, Number(match[3]));
  }
  return samples;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
