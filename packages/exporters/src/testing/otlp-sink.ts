// Test-only: a real OTLP/HTTP receiver on loopback that decodes metrics with the official schema
// and can be told to misbehave: go down (stop listening) and come back on the same port, answer
// 429 or 503, or hang. It records what it accepted, to count sent against received.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeMetricsRequest } from './official-schema.ts';

/** One accepted data point: its stream (the resource's service.name) and sequence number. */
export interface ReceivedPoint {
  stream: string;
  sequence: number;
}

/** What the sink does with the next request; `accept` decodes and records it. */
export type SinkAnswer =
  | 'accept'
  | 'hang'
  | { acceptAfterMs: number }
  | { status: number; headers?: Record<string, string> };

/** A running sink. */
export interface OtlpSink {
  readonly url: string;
  /** Points accepted, in arrival order. */
  readonly points: ReceivedPoint[];
  /** Every request that arrived, answered or not, with when it arrived. */
  readonly arrivals: number[];
  /** Requests left hanging whose connection the client closed. */
  readonly abandoned: number;
  /** Decides each request's answer; `attempt` counts from 1. */
  answer(decide: (attempt: number) => SinkAnswer): void;
  /** Stops listening: connections are refused until `up`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a sink on a free loopback port. */
export async function startOtlpSink(): Promise<OtlpSink> {
  const points: ReceivedPoint[] = [];
  const arrivals: number[] = [];
  let abandoned = 0;
  let decide: (attempt: number) => SinkAnswer = () => 'accept';
  const hanging = new Set<ServerResponse>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrivals.push(performance.now());
      const answer = decide(arrivals.length);
      if (answer === 'hang') {
        hanging.add(response);
        response.on('close', () => {
          if (hanging.delete(response)) abandoned++;
        });
        return;
      }
      if (answer !== 'accept' && 'status' in answer) {
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end('not now');
        return;
      }
      const accept = () => {
        let body: Uint8Array = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        points.push(...pointsOf(decodeMetricsRequest(body)));
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      };
      if (answer === 'accept') accept();
      else setTimeout(accept, answer.acceptAfterMs);
    });
  };

  let server: Server = createServer(handle);
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    points,
    arrivals,
    get abandoned() {
      return abandoned;
    },
    answer(next) {
      decide = next;
    },
    down: stop,
    async up() {
      server = createServer(handle);
      for (let attempt = 0; ; attempt++) {
        try {
          await listen(server, port);
          return;
        } catch (error) {
          if (attempt > 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    close: stop,
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

interface DecodedRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeMetrics?: Array<{
      metrics?: Array<{ gauge?: { dataPoints?: Array<{ asInt?: string; asDouble?: number }> } }>;
    }>;
  }>;
}

function pointsOf(request: Record<string, unknown>): ReceivedPoint[] {
  const found: ReceivedPoint[] = [];
  for (const resource of (request as DecodedRequest).resourceMetrics ?? []) {
    const stream =
      resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        for (const point of metric.gauge?.dataPoints ?? []) {
          found.push({ stream, sequence: Number(point.asInt ?? point.asDouble) });
        }
      }
    }
  }
  return found;
}
