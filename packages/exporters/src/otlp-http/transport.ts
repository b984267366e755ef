// One OTLP/HTTP request: compress, POST with a time limit, and turn every failure into a
// retryable or permanent WasmpipeError, as the OTLP spec classifies them.

import { errorMessage, formatDuration, permanentError, retryableError } from '@wasmpipe/core';
import { type PartialSuccess, readPartialSuccess, readStatusMessage } from '../otlp/protobuf-reader.ts';
import type { HttpResponse, HttpSend } from './http-send.ts';

/** The OTLP spec's retryable HTTP statuses; every other non-2xx status is permanent. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const MAX_DETAIL_CHARACTERS = 300;

/** How to send: where, with which headers, encoding, compression and time limit. */
export interface TransportOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly encoding: 'proto' | 'json';
  readonly timeoutMs: number;
  readonly send: HttpSend;
}

/** Posts an encoded OTLP request; resolves with the partial success the server reported, if any. */
export async function postOtlp(
  body: Uint8Array<ArrayBuffer>,
  options: TransportOptions,
  signal?: AbortSignal,
): Promise<PartialSuccess | undefined> {
  const where = `POST ${options.url}`;
  const headers: Record<string, string> = { 'user-agent': 'wasmpipe' };
  for (const [key, value] of Object.entries(options.headers)) headers[key.toLowerCase()] = value;
  headers['content-type'] = options.encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  let payload = body;
  if (options.compression === 'gzip') {
    headers['content-encoding'] = 'gzip';
    payload = await gzip(body);
  } else {
    delete headers['content-encoding'];
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  let response: HttpResponse;
  try {
    if (signal?.aborted) throw signal.reason;
    response = await options.send({
      url: options.url,
      headers,
      body: payload,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
  } catch (error) {
    if (signal?.aborted) throw retryableError(`${where} was stopped: the exporter is shutting down.`, { cause: error });
    if (timeout.aborted || isTimeout(error)) {
      throw retryableError(`${where} failed: no response within ${formatDuration(options.timeoutMs)}.`, {
        cause: error,
      });
    }
    throw retryableError(`${where} failed: ${describeNetworkError(error)}.`, { cause: error });
  }
  if (response.status >= 200 && response.status < 300) return readPartial(response);
  const detail = responseDetail(response);
  const message = `${where} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${detail ? `: ${detail}` : ''}.`;
  if (RETRYABLE_STATUSES.has(response.status)) {
    const retryAfterMs = parseRetryAfter(response.header('retry-after'));
    throw retryableError(message, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  throw permanentError(message);
}

/** Parses a Retry-After header (seconds, or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type ZlibGzip = (bytes: Uint8Array, done: (error: Error | null, result: Uint8Array) => void) => void;
let zlibGzip: Promise<ZlibGzip | undefined> | undefined;

/**
 * Gzips bytes: with node:zlib's one-shot `gzip` where the runtime has it (Node, Deno, Bun; on Node
 * it runs in libuv's pool and skips the web streams around CompressionStream), else with the
 * web-standard CompressionStream.
 */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  zlibGzip ??= import('node:zlib').then(
    (zlib) => zlib.gzip as unknown as ZlibGzip,
    () => undefined,
  );
  const oneShot = await zlibGzip;
  if (oneShot) {
    const result = await new Promise<Uint8Array>((resolve, reject) =>
      oneShot(bytes, (error, output) => (error ? reject(error) : resolve(output))),
    );
    return new Uint8Array(result.buffer as ArrayBuffer, result.byteOffset, result.byteLength);
  }
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function contentType(response: HttpResponse): string {
  return response.header('content-type') ?? '';
}

/** The partial success of a 2xx answer, in protobuf or JSON. */
function readPartial(response: HttpResponse): PartialSuccess | undefined {
  if (response.body.length === 0) return undefined;
  const type = contentType(response);
  if (type.includes('protobuf')) return readPartialSuccess(response.body);
  if (!type.includes('json')) return undefined;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(response.body)) as {
      partialSuccess?: { rejectedDataPoints?: unknown; rejectedLogRecords?: unknown; errorMessage?: unknown };
    };
    const partial = parsed.partialSuccess;
    if (!partial) return undefined;
    const rejected = Number(partial.rejectedDataPoints ?? partial.rejectedLogRecords ?? 0);
    return {
      rejected: Number.isFinite(rejected) ? rejected : 0,
      errorMessage: typeof partial.errorMessage === 'string' ? partial.errorMessage : '',
    };
  } catch {
    return undefined;
  }
}

/** The server's own explanation: a google.rpc.Status message (protobuf or JSON), or the start of a text body. */
function responseDetail(response: HttpResponse): string | undefined {
  const body = response.body;
  if (body.length === 0) return undefined;
  const type = contentType(response);
  let text: string | undefined;
  if (type.includes('protobuf')) text = readStatusMessage(body);
  else {
    text = new TextDecoder().decode(body);
    if (type.includes('json')) {
      try {
        const status = JSON.parse(text) as { message?: unknown };
        if (typeof status.message === 'string') text = status.message;
      } catch {}
    }
  }
  const trimmed = text?.trim().replace(/\s+/g, ' ').replace(/\.$/, '');
  if (!trimmed) return undefined;
  return trimmed.length > MAX_DETAIL_CHARACTERS ? `${trimmed.slice(0, MAX_DETAIL_CHARACTERS)}…` : trimmed;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ConnectionRefused: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ConnectionReset: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed for now',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate is signed by an unknown authority (set tls.ca_file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate cannot be verified (set tls.ca_file)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not name this host',
};

/** Names a network failure the same way on Node (undici: `cause.code`), Deno and Bun (`code` or message). */
function describeNetworkError(error: unknown): string {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_CODES) return NETWORK_CODES[code] as string;
    if (/connection refused/i.test(current.message)) return 'connection refused';
    current = current.cause;
  }
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return errorMessage(cause).replace(/\.$/, '');
}
