// A real OTLP/HTTP receiver on loopback for end-to-end tests. It decodes requests with the
// protobufjs code generated from the official opentelemetry-proto files (shipped by
// @opentelemetry/otlp-transformer 0.52.1), never with wasmpipe's own encoder.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import root from '@opentelemetry/otlp-transformer/build/src/generated/root.js';

interface GeneratedType {
  decode(bytes: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  toObject(message: object, options: object): Record<string, unknown>;
}
const metricsService = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          metrics: { v1: { ExportMetricsServiceRequest: GeneratedType; ExportMetricsServiceResponse: GeneratedType } };
        };
      };
    };
  }
).opentelemetry.proto.collector.metrics.v1;

/** One request the receiver took, decoded. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** The ExportMetricsServiceRequest as a plain object: int64 as strings, enums as names. */
  body: { resourceMetrics?: DecodedResourceMetrics[] };
}

/** A decoded ResourceMetrics, as far as the tests read it. */
export interface DecodedResourceMetrics {
  resource?: { attributes?: Array<{ key: string; value: Record<string, unknown> }> };
  scopeMetrics?: Array<{ scope?: { name?: string }; metrics?: DecodedMetric[] }>;
}

/** A decoded Metric, as far as the tests read it. */
export interface DecodedMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints: DecodedPoint[]; isMonotonic?: boolean; aggregationTemporality?: string };
  gauge?: { dataPoints: DecodedPoint[] };
}

/** A decoded NumberDataPoint. */
export interface DecodedPoint {
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  asDouble?: number;
  asInt?: string;
  timeUnixNano?: string;
  startTimeUnixNano?: string;
}

/** A running receiver. */
export interface OtlpReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts an OTLP/HTTP protobuf receiver on a free loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        let bytes: Uint8Array = Buffer.concat(chunks);
        if (request.headers['content-encoding'] === 'gzip') bytes = gunzipSync(bytes);
        const message = metricsService.ExportMetricsServiceRequest.decode(bytes);
        const body = metricsService.ExportMetricsServiceRequest.toObject(message, {
          longs: String,
          enums: String,
          bytes: String,
        });
        requests.push({ path: request.url ?? '', headers: request.headers, body: body as ReceivedRequest['body'] });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' });
        response.end(metricsService.ExportMetricsServiceResponse.encode({}).finish());
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end(`Undecodable request: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every metric of every request, flattened. */
export function allMetrics(requests: readonly ReceivedRequest[]): DecodedMetric[] {
  return requests.flatMap((request) =>
    (request.body.resourceMetrics ?? []).flatMap((resource) =>
      (resource.scopeMetrics ?? []).flatMap((scope) => scope.metrics ?? []),
    ),
  );
}
