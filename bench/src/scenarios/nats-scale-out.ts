// Scale-out through NATS JetStream with the real binary: a wasmpipe agent (OTLP/HTTP in, nats out,
// contract encoding) publishes to a real nats-server; wasmpipe gateways (nats in, the filter,
// enrich and transform plugins, OTLP/HTTP out) consume. Measured in the same run:
// - points/s through agent → JetStream → two gateways sharing a durable, beside one gateway
//   (the ratio is the scaling): each run fills the stream through the agent, then times its
//   gateways draining it, so the gateways are the bottleneck;
// - the end-to-end latency (p50, p99) of agent → JetStream → gateway → sink, beside a direct
//   agent → OTLP/HTTP → sink pipeline (no plugins on either path: the difference is the broker hop).
// `WASMPIPE_BENCH_SMOKE=1` (or a harness smoke option) runs a tiny load to check it works.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { MetricsBatch, NumberDataPoint } from '@wasmpipe/core';
import { decodeMetricsRequest, encodeMetricsRequest } from '@wasmpipe/exporters';
import { natsServerSkipReason, startNatsServer } from '../../../packages/nats/src/testing/nats-server.test-support.ts';
import { alternate, type Comparison, median, type Scenario } from '../harness.ts';

const WASMPIPE = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const SINK = fileURLToPath(new URL('../otlp-sink.mjs', import.meta.url));
const plugin = (name: string) => fileURLToPath(new URL(`../../../plugins/${name}/build/${name}.wasm`, import.meta.url));

interface Sizes {
  requests: number;
  points: number;
  latencyRequests: number;
}
const FULL: Sizes = { requests: 300, points: 1000, latencyRequests: 100 };
const SMOKE: Sizes = { requests: 20, points: 100, latencyRequests: 10 };
const CONCURRENCY = 8;

function batch(service: string, points: number, first: number): MetricsBatch {
  const time = 1_700_000_000_000_000_000n;
  const dataPoints: NumberDataPoint[] = Array.from({ length: points }, (_, index) => ({
    attributes: { 'http.route': `/route/${index % 50}`, 'http.response.status_code': 200 + (index % 5), index },
    timeUnixNano: time,
    value: first + index,
    isInteger: true,
  }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': service, 'host.name': 'bench' } },
        scopeMetrics: [
          {
            scope: { name: 'bench' },
            metrics: [{ name: 'http.server.requests', data: { type: 'gauge', dataPoints } }],
          },
        ],
      },
    ],
  };
}

/** Runs `wasmpipe run` with a config; resolves once it is ready, with its output so far. */
async function wasmpipe(
  directory: string,
  name: string,
  yaml: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const config = join(directory, `${name}.yaml`);
  writeFileSync(config, yaml);
  const child = spawn(process.execPath, [WASMPIPE, 'run', '--config', config, '--log-format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!/Everything is ready/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => output };
}

function gatewayYaml(nats: string, durable: string, sink: string, plugins: boolean): string {
  const processors = plugins
    ? `
processors:
  wasm/filter: { path: ${plugin('filter')}, config: { exclude: ["nothing.*"] } }
  wasm/enrich: { path: ${plugin('enrich')}, config: { resource: { deployment.environment: bench } } }
  wasm/transform: { path: ${plugin('transform')}, config: { rename_metrics: { http.server.requests: http.server.request.count } } }`
    : '';
  return `
collectors:
  nats:
    servers: [${nats}]
    durable: ${durable}
    filter_subject: bench.${durable}.>
    stream: { name: BENCH, subjects: ['bench.>'], storage: memory }
    max_ack_pending: 256
    fetch_size: 32
${processors}
exporters:
  otlp_http: { endpoint: ${sink}, sending_queue: { num_consumers: 4 } }
pipelines:
  metrics: { collectors: [nats], ${plugins ? 'processors: [wasm/filter, wasm/enrich, wasm/transform], ' : ''}exporters: [otlp_http] }
`;
}

/** p-th percentile (0..100) of a list. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function post(url: string, body: Uint8Array): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    body: body as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': 'application/x-protobuf' },
  });
  if (response.status !== 200) throw new Error(`The agent answered ${response.status}: ${await response.text()}`);
}

export const natsScaleOut: Scenario = {
  name: 'nats-scale-out',
  description:
    'Points/s through agent → JetStream → two gateways vs one (filter, enrich, transform plugins), and end-to-end latency vs a direct agent → OTLP pipeline.',
  async run(options): Promise<Comparison[]> {
    const smoke = process.env['WASMPIPE_BENCH_SMOKE'] === '1' || options.smoke;
    const sizes = smoke ? SMOKE : FULL;
    const skip = natsServerSkipReason(); // never skips under CI=true
    if (skip) {
      console.log(`  skipped: ${skip}`);
      return [];
    }
    const directory = mkdtempSync(join(tmpdir(), 'wasmpipe-bench-nats-'));
    const children: ChildProcess[] = [];
    const server = await startNatsServer();
    // The counting sink in its own process, so it does not take the gateways' CPU in this one.
    const sinkProcess = spawn(process.execPath, [SINK], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(sinkProcess);
    const sinkPort = await new Promise<number>((resolve) =>
      sinkProcess.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))),
    );
    const countingSink = `http://127.0.0.1:${sinkPort}`;
    const sinkRequests = async () =>
      ((await (await fetch(`${countingSink}/stats`)).json()) as { requests: number }).requests;
    // The latency sink here: it notes when each request's first point arrives.
    const arrivals = new Map<number, number>();
    const latencySink = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const now = performance.now();
        let body: Uint8Array = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const { batch: received } = decodeMetricsRequest(body);
        const metric = received.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
        const first = metric?.data.dataPoints[0] as NumberDataPoint | undefined;
        if (first) arrivals.set(Number(first.value), now);
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => latencySink.listen(0, '127.0.0.1', resolve));
    const latencyUrl = `http://127.0.0.1:${(latencySink.address() as AddressInfo).port}`;
    try {
      const nats = server.url;
      const start = async (name: string, yaml: string) => {
        const running = await wasmpipe(directory, name, yaml);
        children.push(running.child);
        return running;
      };
      // Gateways first, so their consumers exist before anything is published.
      await start('gateway-lat', gatewayYaml(nats, 'lat', latencyUrl, false));
      const otlpIn = `
collectors:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:0 } } }`;
      const endpointOf = (output: string) =>
        `${/OTLP\/HTTP is listening\.[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]}/v1/metrics`;
      const agent = await start(
        'agent',
        `${otlpIn}
exporters:
  nats:
    servers: [${nats}]
    subject: bench.{resource.service.name}.{signal}
    encoding: contract
    stream: { name: BENCH, subjects: ['bench.>'], storage: memory }
    sending_queue: { num_consumers: 8 }
admin: { endpoint: 127.0.0.1:0 }
pipelines:
  metrics: { collectors: [otlp], exporters: [nats] }
`,
      );
      const direct = await start(
        'direct',
        `${otlpIn}
exporters:
  otlp_http: { endpoint: ${latencyUrl} }
pipelines:
  metrics: { collectors: [otlp], exporters: [otlp_http] }
`,
      );
      const agentUrl = endpointOf(agent.output());
      const agentAdmin = /The admin endpoint is listening\.[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(
        agent.output(),
      )?.[1];
      const directUrl = endpointOf(direct.output());

      // Each run publishes its batches through the agent first, under a subject of its own, then
      // starts its gateways (one or two, at the same moment) on a fresh durable filtered to that
      // subject, and times the drain from the first batch at the sink to the last: the gateways
      // are the bottleneck, not the agent or the load generator. Every batch differs: the nats
      // exporter's message id is a content hash, and JetStream drops a repeated one.
      let sequence = 0;
      let round = 0;
      const sentByAgent = async () => {
        const body = (await (await fetch(`${agentAdmin}/components`)).json()) as {
          components: Record<string, Record<string, number>>;
        };
        return Number(body.components['nats']?.['wasmpipe.exporter.sent{signal=metrics}'] ?? 0);
      };
      const throughput = async (gateways: number): Promise<number> => {
        const tag = `r${round++}k${gateways}`;
        const bodies = Array.from({ length: sizes.requests }, (_, index) =>
          encodeMetricsRequest(batch(tag, sizes.points, sequence + index * sizes.points)),
        );
        sequence += sizes.requests * sizes.points;
        const published = await sentByAgent();
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < sizes.requests) await post(agentUrl, bodies[next++] as Uint8Array);
          }),
        );
        const deadline = Date.now() + (smoke ? 30_000 : 180_000);
        while ((await sentByAgent()) < published + sizes.requests * sizes.points) {
          if (Date.now() > deadline) throw new Error(`The agent did not publish run ${tag} in time.`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const before = await sinkRequests();
        const pool = await Promise.all(
          Array.from({ length: gateways }, (_, index) =>
            wasmpipe(directory, `gateway-${tag}-${index}`, gatewayYaml(nats, tag, countingSink, true)),
          ),
        );
        try {
          let first = 0;
          for (;;) {
            const count = (await sinkRequests()) - before;
            if (count > 0 && first === 0) first = performance.now();
            if (count >= sizes.requests) break;
            if (Date.now() > deadline)
              throw new Error(`Gateways of run ${tag} delivered ${count} of ${sizes.requests}.`);
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          return ((sizes.requests - 1) * sizes.points) / ((performance.now() - first) / 1000);
        } finally {
          for (const gateway of pool) gateway.child.kill('SIGKILL');
        }
      };
      const [two, one] = await alternate(
        options.runs,
        () => throughput(2),
        () => throughput(1),
      );

      let id = 1_000_000;
      const latencies = async (url: string, service: string): Promise<number[]> => {
        const sent = new Map<number, number>();
        for (let index = 0; index < sizes.latencyRequests; index++) {
          const key = id++ * 100;
          const body = encodeMetricsRequest(batch(service, 10, key));
          sent.set(key, performance.now());
          await post(url, body);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const deadline = Date.now() + 30_000;
        while ([...sent.keys()].some((key) => !arrivals.has(key))) {
          if (Date.now() > deadline) throw new Error('Not every latency probe arrived.');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return [...sent].map(([key, at]) => (arrivals.get(key) as number) - at);
      };
      const p50: [number[], number[]] = [[], []];
      const p99: [number[], number[]] = [[], []];
      await latencies(agentUrl, 'lat');
      await latencies(directUrl, 'lat');
      for (let run = 0; run < options.runs; run++) {
        const viaNats = await latencies(agentUrl, 'lat');
        const viaDirect = await latencies(directUrl, 'lat');
        p50[0].push(percentile(viaNats, 50));
        p50[1].push(percentile(viaDirect, 50));
        p99[0].push(percentile(viaNats, 99));
        p99[1].push(percentile(viaDirect, 99));
      }
      console.log(
        `  scaling two/one gateways: ${(median(two) / median(one)).toFixed(2)}x; added latency p50 ${(median(p50[0]) - median(p50[1])).toFixed(2)} ms, p99 ${(median(p99[0]) - median(p99[1])).toFixed(2)} ms`,
      );
      return [
        {
          metric: `points/s, agent → JetStream → gateways (filter, enrich, transform), ${sizes.points}-point batches`,
          unit: 'points/s',
          higherIsBetter: true,
          subject: { name: 'two gateways', runs: two },
          peer: { name: 'one gateway', runs: one },
        },
        {
          metric: 'end-to-end latency p50, 10-point requests',
          unit: 'ms',
          higherIsBetter: false,
          subject: { name: 'agent → JetStream → gateway → OTLP', runs: p50[0] },
          peer: { name: 'agent → OTLP (direct)', runs: p50[1] },
        },
        {
          metric: 'end-to-end latency p99, 10-point requests',
          unit: 'ms',
          higherIsBetter: false,
          subject: { name: 'agent → JetStream → gateway → OTLP', runs: p99[0] },
          peer: { name: 'agent → OTLP (direct)', runs: p99[1] },
        },
      ];
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await new Promise<void>((resolve) => latencySink.close(() => resolve()));
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};
