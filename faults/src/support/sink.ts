// A real OTLP/HTTP receiver on loopback that wasmpipe exports to, and that the fault cases make
// misbehave: stop listening and come back on the same port, answer an error status, answer
// slowly, hang, or cut the connection in the middle of a request. It decodes metrics and logs
// with the official protobuf schema (protobufjs code generated from opentelemetry-proto), never
// with wasmpipe's own decoder, and counts every record it accepted by its key.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeLogsRequest, decodeMetricsRequest } from '../../../packages/exporters/src/testing/official-schema.ts';

/** What the sink does with a request. */
export type SinkAnswer =
  | 'accept'
  /** Read the request, never answer (until the client gives up or the sink closes). */
  | 'hang'
  /** Close the connection after reading part of the body: no answer at all. */
  | 'cut'
  | { delayMs: number }
  | { status: number; headers?: Record<string, string> };

/** A running sink. */
export interface Sink {
  readonly url: string;
  /** How many times each record key was accepted (answered 200). */
  readonly received: Map<string, number>;
  /** Requests that arrived, whatever the answer. */
  readonly requests: number;
  /** Requests answered 200. */
  readonly accepted: number;
  /** Decides each request's answer; `attempt` counts requests from 1. */
  answer(decide: (attempt: number) => SinkAnswer): void;
  /** Stops listening and drops every open connection: connections are refused until `up`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Pulls the record keys out of a decoded request: `stream#sequence` for gauge points, `seq=N` in a log record. */
function keysOf(path: string, body: Uint8Array): string[] {
  const keys: string[] = [];
  if (path.endsWith('/v1/logs')) {
    const request = decodeLogsRequest(body) as {
      resourceLogs?: Array<{ scopeLogs?: Array<{ logRecords?: unknown[] }> }>;
    };
    for (const resource of request.resourceLogs ?? []) {
      for (const scope of resource.scopeLogs ?? []) {
        for (const record of scope.logRecords ?? []) {
          const match = /seq=(\d+)/.exec(JSON.stringify(record));
          keys.push(match ? `log#${match[1]}` : 'log#?');
        }
      }
    }
    return keys;
  }
  const request = decodeMetricsRequest(body) as {
    resourceMetrics?: Array<{
      resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
      scopeMetrics?: Array<{
        metrics?: Array<{ name: string; gauge?: { dataPoints?: Array<{ asInt?: string; asDouble?: number }> } }>;
      }>;
    }>;
  };
  for (const resource of request.resourceMetrics ?? []) {
    const stream =
      resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        if (metric.name !== 'sequence') continue;
        for (const point of metric.gauge?.dataPoints ?? []) keys.push(`${stream}#${point.asInt ?? point.asDouble}`);
      }
    }
  }
  return keys;
}

/** Starts a sink on a free loopback port. */
export async function startSink(): Promise<Sink> {
  const received = new Map<string, number>();
  let requests = 0;
  let accepted = 0;
  let decide: (attempt: number) => SinkAnswer = () => 'accept';
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const attempt = ++requests;
    const answer = decide(attempt);
    if (answer === 'cut') {
      // Read a little of the body, then drop the connection without a word.
      request.once('data', () => request.socket.destroy());
      request.once('end', () => request.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (answer === 'hang') {
        hanging.add(response);
        response.on('close', () => hanging.delete(response));
        return;
      }
      if (typeof answer === 'object' && 'status' in answer) {
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end('fault injected');
        return;
      }
      const accept = () => {
        if (response.destroyed) return;
        let body: Uint8Array = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        let keys: string[];
        try {
          keys = keysOf(request.url ?? '', body);
        } catch (error) {
          response.writeHead(400, { 'content-type': 'text/plain' }).end(`undecodable: ${(error as Error).message}`);
          return;
        }
        // Count only what is answered 200: a client that got no answer has no reason to think it was taken.
        response.writeHead(200, { 'content-type': 'application/x-protobuf' });
        response.end(() => {
          accepted++;
          for (const key of keys) received.set(key, (received.get(key) ?? 0) + 1);
        });
      };
      if (answer === 'accept') accept();
      else setTimeout(accept, answer.delayMs);
    });
  };

  const create = () => {
    const server = createServer(handle);
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return server;
  };
  let server: Server = create();
  await listen(server, 0);
  const { port } = server.address() as AddressInfo;
  let listening = true;
  const stop = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    hanging.clear();
    await closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get requests() {
      return requests;
    },
    get accepted() {
      return accepted;
    },
    answer(next) {
      decide = next;
    },
    down: stop,
    async up() {
      if (listening) return;
      server = create();
      for (let attempt = 0; ; attempt++) {
        try {
          await listen(server, port);
          listening = true;
          return;
        } catch (error) {
          if (attempt > 100) throw error;
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
