// kill -9 of the real binary in the middle of an export, with the persistent sending queue, then
// a restart: every record accepted before the kill arrives at least once, and the duplicates the
// receiver sees are within what wasmpipe counted as possibly sent twice. The `file` exporter in the
// same pipeline is the witness of what the first process accepted.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';
import { eventually, startWasmpipe, type WasmpipeProcess } from './testing/wasmpipe-process.test-support.ts';

interface GeneratedType {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: object): Record<string, unknown>;
}
const ExportMetricsServiceRequest = (
  root as unknown as {
    opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: GeneratedType } } } } };
  }
).opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

interface JsonPoint {
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  timeUnixNano?: string;
}
interface JsonRequest {
  resourceMetrics?: Array<{
    scopeMetrics?: Array<{
      metrics?: Array<{ name: string; sum?: { dataPoints?: JsonPoint[] }; gauge?: { dataPoints?: JsonPoint[] } }>;
    }>;
  }>;
}

/** One key per data point: metric name, attributes and time; the same for OTLP/JSON and the decoded protobuf. */
function pointKeys(request: JsonRequest): string[] {
  const keys: string[] = [];
  for (const resource of request.resourceMetrics ?? []) {
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        for (const point of (metric.sum ?? metric.gauge)?.dataPoints ?? []) {
          const attributes = (point.attributes ?? [])
            .map((attribute) => `${attribute.key}=${String(Object.values(attribute.value)[0])}`)
            .sort()
            .join(',');
          keys.push(`${metric.name}|${attributes}|${point.timeUnixNano}`);
        }
      }
    }
  }
  return keys;
}

/** A receiver that answers after a delay, or never once told to hang. It records a request when it arrives. */
class SlowReceiver {
  readonly received = new Map<string, number>();
  requests = 0;
  pending = 0;
  hang = false;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let body: Uint8Array = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const decoded = ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(body), {
          longs: String,
          enums: String,
        });
        for (const key of pointKeys(decoded as JsonRequest)) this.received.set(key, (this.received.get(key) ?? 0) + 1);
        this.requests++;
        if (this.hang) {
          this.pending++;
          return;
        }
        setTimeout(() => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(), 100);
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}

/** The whole OTLP/JSON lines of the witness file, each as its point keys. */
async function witnessed(path: string): Promise<string[][]> {
  const lines = (await readFile(path, 'utf8').catch(() => '')).split('\n');
  const accepted: string[][] = [];
  for (const line of lines) {
    try {
      accepted.push(pointKeys(JSON.parse(line) as JsonRequest));
    } catch {}
  }
  return accepted;
}

let directory: string;
let receiver: SlowReceiver;
const processes: WasmpipeProcess[] = [];
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-kill-'));
  receiver = new SlowReceiver();
});
after(async () => {
  for (const running of processes) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  await receiver.close();
  await rm(directory, { recursive: true, force: true });
});

describe('wasmpipe run with storage: file, killed with SIGKILL mid-export', () => {
  it('delivers every record accepted before the kill after a restart, and counts the duplicates', async () => {
    const url = await receiver.listen();
    const config = join(directory, 'pipeline.yaml');
    const witness = join(directory, 'witness.jsonl');
    await writeFile(
      config,
      `
collectors:
  host_metrics:
    collection_interval: 100ms
    initial_delay: 0s
exporters:
  otlp_http:
    endpoint: ${url}
    timeout: 30s
    retry_on_failure: { initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 0 }
    sending_queue: { storage: file, directory: queue, num_consumers: 1 }
  file:
    path: ${witness}
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics:
    collectors: [host_metrics]
    exporters: [otlp_http, file]
`,
    );

    const first = startWasmpipe(['run', '--config', config, '--log-format', 'json']);
    processes.push(first);
    await first.waitFor(/Everything is ready/);
    // Let a few batches through, then hold the next request open and a backlog build on disk.
    await eventually(() => receiver.requests >= 3, 'three requests to arrive', 20_000);
    receiver.hang = true;
    await eventually(() => receiver.pending > 0, 'a request to be under way', 20_000);
    // Wait for a few more scrapes to be accepted, so the request under way is well before the
    // last witnessed batch (which is left out below).
    const witnessedAtHang = (await witnessed(witness)).length;
    await eventually(
      async () => (await witnessed(witness)).length >= witnessedAtHang + 3,
      'a backlog of three more batches',
      20_000,
    );
    first.child.kill('SIGKILL');
    assert.equal(await first.exited(), 'SIGKILL');

    const queueFiles = await readdir(join(directory, 'queue', 'otlp_http'));
    assert.ok(
      queueFiles.some((name) => name.startsWith('segment-')),
      `the queue is on disk: ${queueFiles.join(', ')}`,
    );
    // What the first process accepted, as its file exporter wrote it. A line cut by the kill is not
    // whole, and the last scrape may have reached the witness a moment before the queue: leave both out.
    const accepted = await witnessed(witness);
    accepted.pop();
    const expected = new Set(accepted.flat());
    assert.ok(expected.size > 50, `the first process accepted ${expected.size} points`);

    receiver.hang = false;
    const second = startWasmpipe(['run', '--config', config, '--log-format', 'json']);
    processes.push(second);
    await second.waitFor(/Everything is ready/);
    const admin = await second.adminUrl();
    assert.match(second.stderr(), /kept batches from the previous run/);
    await eventually(
      () => [...expected].every((key) => receiver.received.has(key)),
      'every point accepted before the kill to arrive',
      30_000,
    );
    const components = (await (await fetch(`${admin}/components`)).json()).components;
    const redelivered = Number(components.otlp_http['wasmpipe.exporter.redelivered{signal=metrics}'] ?? 0);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited(), 0, second.stderr());

    const missing = [...expected].filter((key) => !receiver.received.has(key));
    assert.deepEqual(missing, [], 'every point accepted before the kill arrived');
    const duplicates = [...expected].reduce((sum, key) => sum + ((receiver.received.get(key) ?? 1) - 1), 0);
    assert.ok(duplicates > 0, 'the request under way at the kill was sent again');
    assert.ok(
      duplicates <= redelivered,
      `the receiver saw ${duplicates} duplicate points; wasmpipe counted ${redelivered} as possibly sent twice`,
    );
  });
});
