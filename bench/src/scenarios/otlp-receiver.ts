// Throughput of the `otlp` receiver under load from a second process on loopback: requests/s and
// points/s of OTLP/HTTP protobuf and OTLP/gRPC export requests (1,000 sum points each), taken,
// decoded and handed to a consumer. The peer is a bare server on the same transport in the same
// process that reads each request and answers OK without decoding it: the ceiling of the
// transport on this machine, so the ratio is what receiving OTLP properly costs on top of it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { otlpReceiver } from '@wasmpipe/collectors';
import {
  type Collector,
  countDataPoints,
  getPlatform,
  type MetricsBatch,
  type NumberDataPoint,
  type Problem,
  silentLogger,
  Telemetry,
} from '@wasmpipe/core';
import { encodeMetricsRequest, otlpServiceDefinition } from '@wasmpipe/exporters';
import { alternate, type Comparison, type Scenario } from '../harness.ts';

const LOAD = fileURLToPath(new URL('../receiver-load.mjs', import.meta.url));
const POINTS_PER_REQUEST = 1000;
const CONCURRENCY = 16;
const SECONDS = 2;

function requestBatch(): MetricsBatch {
  const time = 1_700_000_000_000_000_000n;
  const metrics = Array.from({ length: POINTS_PER_REQUEST / 100 }, (_, metric) => {
    const dataPoints: NumberDataPoint[] = Array.from({ length: 100 }, (_, index) => ({
      attributes: {
        'http.request.method': 'GET',
        'http.route': `/route/${index % 50}`,
        'http.response.status_code': 200 + (index % 5),
      },
      startTimeUnixNano: time - 60_000_000_000n,
      timeUnixNano: time,
      value: index,
      isInteger: true,
    }));
    return {
      name: `http.server.requests.${metric}`,
      unit: '{request}',
      data: { type: 'sum' as const, aggregationTemporality: 'cumulative' as const, isMonotonic: true, dataPoints },
    };
  });
  return {
    resourceMetrics: [
      { resource: { attributes: { 'service.name': 'load' } }, scopeMetrics: [{ scope: { name: 'load' }, metrics }] },
    ],
  };
}

/** Runs the load process against a target and returns completed requests per second. */
function load(
  protocol: 'http' | 'grpc',
  target: string,
  payloadFile: string,
): Promise<{ completed: number; perSecond: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD, protocol, target, payloadFile, String(CONCURRENCY), String(SECONDS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`The load process exited with ${code}.`));
      const { completed, failed, seconds } = JSON.parse(output) as {
        completed: number;
        failed: number;
        seconds: number;
      };
      if (failed > 0) return reject(new Error(`${failed} requests failed under load; the figure would mean nothing.`));
      resolve({ completed, perSecond: completed / seconds });
    });
  });
}

/** The receiver under test, with a consumer that counts what reached it. */
async function startReceiver(): Promise<{
  collector: Collector;
  httpUrl: string;
  grpcAddress: string;
  points: () => number;
}> {
  let points = 0;
  const problems: Problem[] = [];
  const config = otlpReceiver.config.parse(
    { protocols: { http: { endpoint: '127.0.0.1:0' }, grpc: { endpoint: '127.0.0.1:0' } } },
    'collectors.otlp',
    problems,
  );
  if (!config) throw new Error(problems.map((problem) => problem.message).join('; '));
  const lines: string[] = [];
  const logger = {
    ...silentLogger,
    info: (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields)}`),
  };
  const platform = getPlatform();
  const collector = await otlpReceiver.create(
    config,
    { id: 'otlp', logger, telemetry: new Telemetry().forComponent('otlp'), platform, configDirectory: '.' },
    {
      async consumeMetrics(batch) {
        points += countDataPoints(batch);
      },
    },
  );
  await collector.start?.({ platform, logger });
  const receiver = collector as unknown as { httpAddress: string; grpcAddress: string };
  return {
    collector,
    httpUrl: `http://${receiver.httpAddress}/v1/metrics`,
    grpcAddress: receiver.grpcAddress,
    points: () => points,
  };
}

/** The peers: a node:http server and a grpc-js server that take each request without decoding it. */
async function startBareServers(): Promise<{ httpUrl: string; grpcAddress: string; close(): void }> {
  const http = createServer((request, response) => {
    request.on('data', () => {});
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const server = new grpc.Server();
  server.addService(otlpServiceDefinition('metrics'), {
    Export: (_call: unknown, callback: grpc.sendUnaryData<Uint8Array>) => callback(null, new Uint8Array(0)),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    httpUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1/metrics`,
    grpcAddress: `127.0.0.1:${port}`,
    close() {
      http.closeAllConnections();
      http.close();
      server.forceShutdown();
    },
  };
}

export const otlpReceiverThroughput: Scenario = {
  name: 'otlp-receiver',
  description: `the otlp receiver under load from another process: ${CONCURRENCY} requests in flight, ${POINTS_PER_REQUEST.toLocaleString('en')} points each, protobuf over HTTP and gRPC`,
  async run({ runs }) {
    const directory = mkdtempSync(join(tmpdir(), 'wasmpipe-bench-'));
    const payloadFile = join(directory, 'request.bin');
    writeFileSync(payloadFile, encodeMetricsRequest(requestBatch()));
    const subject = await startReceiver();
    const bare = await startBareServers();
    const comparisons: Comparison[] = [];
    try {
      for (const protocol of ['http', 'grpc'] as const) {
        const measure = async (target: string, check: boolean) => {
          const before = subject.points();
          const { completed, perSecond } = await load(protocol, target, payloadFile);
          if (check && subject.points() - before !== completed * POINTS_PER_REQUEST) {
            throw new Error(
              `The receiver answered ${completed} requests but passed on ${subject.points() - before} points.`,
            );
          }
          return perSecond;
        };
        const [ours, theirs] = await alternate(
          runs,
          () => measure(protocol === 'http' ? subject.httpUrl : subject.grpcAddress, true),
          () => measure(protocol === 'http' ? bare.httpUrl : bare.grpcAddress, false),
        );
        const label = protocol === 'http' ? 'OTLP/HTTP protobuf' : 'OTLP/gRPC';
        const peerName =
          protocol === 'http' ? 'bare node:http server, no decoding' : 'bare grpc-js server, no decoding';
        comparisons.push(
          {
            metric: `${label}: requests/s`,
            unit: 'requests/s',
            higherIsBetter: true,
            subject: { name: 'wasmpipe otlp receiver', runs: ours },
            peer: { name: peerName, runs: theirs },
          },
          {
            metric: `${label}: points/s`,
            unit: 'points/s',
            higherIsBetter: true,
            subject: { name: 'wasmpipe otlp receiver', runs: ours.map((rate) => rate * POINTS_PER_REQUEST) },
            peer: { name: peerName, runs: theirs.map((rate) => rate * POINTS_PER_REQUEST) },
          },
        );
      }
    } finally {
      bare.close();
      await subject.collector.shutdown?.();
      rmSync(directory, { recursive: true, force: true });
    }
    return comparisons;
  },
};
