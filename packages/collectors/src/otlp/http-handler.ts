// OTLP/HTTP as a web-standard fetch handler: routes `/v1/metrics` and `/v1/logs`, checks method,
// media type and content coding, and answers as the OTLP/HTTP spec says: 200 with an export
// response (and partial success), or an error status with a google.rpc.Status body in the
// request's own encoding, and Retry-After when the client should come back later.

import type { FetchHandler, Signal } from '@wasmpipe/core';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  encodeExportResponse,
  encodeStatus,
  exportResponseJson,
  parseLogsJson,
  parseMetricsJson,
  statusJson,
} from '@wasmpipe/exporters';
import { type Decoded, type Ingest, type Outcome, REFUSAL_CODES } from './ingest.ts';
import { contentCoding, readBody } from './read-body.ts';

/** What the handler needs from the receiver's config. */
export interface HttpHandlerOptions {
  metricsPath: string;
  logsPath: string;
  maxRequestBodySize: number;
}

type Format = 'protobuf' | 'json';

const CONTENT_TYPE: Record<Format, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** Builds the OTLP/HTTP request handler over an {@link Ingest}. */
export function createHttpHandler(options: HttpHandlerOptions, ingest: Ingest): FetchHandler {
  const protocol = 'http';
  const handle = createRequestHandler(options, ingest, protocol);
  return async (request) => {
    const response = await handle(request);
    // A body left unread (the request was refused first) is cancelled and its connection closed
    // after the answer, so an upload nobody reads does not keep the connection (or a graceful
    // shutdown) waiting. Bun needs both.
    if (request.body !== null && !request.bodyUsed) {
      await request.body.cancel().catch(() => {});
      response.headers.set('connection', 'close');
    }
    return response;
  };
}

function createRequestHandler(options: HttpHandlerOptions, ingest: Ingest, protocol: string): FetchHandler {
  return async (request) => {
    const path = new URL(request.url).pathname;
    const signal: Signal | undefined =
      path === options.metricsPath ? 'metrics' : path === options.logsPath ? 'logs' : undefined;
    const format = formatOf(request.headers.get('content-type'));
    const answer = (outcome: Outcome) => respond(outcome, signal ?? 'metrics', format ?? 'protobuf');
    if (signal === undefined) {
      return answer(ingest.refuse(undefined, 'not_found', `No OTLP signal is served at ${path}.`, protocol));
    }
    if (request.method !== 'POST') {
      return answer(
        ingest.refuse(signal, 'method_not_allowed', `${request.method} is not allowed; send POST.`, protocol),
      );
    }
    if (format === undefined) {
      const got = request.headers.get('content-type') ?? 'none';
      return answer(
        ingest.refuse(
          signal,
          'unsupported_media_type',
          `Content-Type ${got} is not supported; send application/x-protobuf or application/json.`,
          protocol,
        ),
      );
    }
    const coding = contentCoding(request.headers.get('content-encoding'));
    if (coding === undefined) {
      return answer(
        ingest.refuse(
          signal,
          'unsupported_media_type',
          `Content-Encoding ${request.headers.get('content-encoding')} is not supported; send gzip, deflate or none.`,
          protocol,
        ),
      );
    }
    const outcome = await ingest.run(signal, protocol, async (): Promise<Decoded> => {
      const body = await readBody(request, coding, options.maxRequestBodySize);
      if (signal === 'metrics') return format === 'json' ? parseMetricsJson(body) : decodeMetricsRequest(body);
      return format === 'json' ? parseLogsJson(body) : decodeLogsRequest(body);
    });
    return answer(outcome);
  };
}

/** The request's format from its Content-Type (parameters such as charset ignored); undefined when unsupported. */
function formatOf(header: string | null): Format | undefined {
  const mediaType = (header ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

function respond(outcome: Outcome, signal: Signal, format: Format): Response {
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[format] };
  if (outcome.kind === 'accepted') {
    const body =
      format === 'json'
        ? JSON.stringify(exportResponseJson(signal, outcome.rejected, outcome.message))
        : encodeExportResponse(outcome.rejected, outcome.message);
    return new Response(body, { status: 200, headers });
  }
  const { http, grpc } = REFUSAL_CODES[outcome.kind];
  if (outcome.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(outcome.retryAfterMs / 1000));
  if (outcome.kind === 'method_not_allowed') headers['allow'] = 'POST';
  const body =
    format === 'json'
      ? JSON.stringify(statusJson(grpc, outcome.message, outcome.retryAfterMs))
      : encodeStatus(grpc, outcome.message, outcome.retryAfterMs);
  return new Response(body, { status: http, headers });
}
