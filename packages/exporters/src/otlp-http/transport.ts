// One OTLP/HTTP protobuf request: compress, POST with a time limit, and turn every failure into a
// retryable or permanent WasmpipeError, as the OTLP spec classifies them. Web standards only.

import { errorMessage, formatDuration, permanentError, retryableError } from '@wasmpipe/core';
import { type PartialSuccess, readPartialSuccess, readStatusMessage } from '../otlp/protobuf-reader.ts';

/** The OTLP spec's retryable HTTP statuses; every other non-2xx status is permanent. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Response bodies are read up to this size: enough for a status or partial success message. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_DETAIL_CHARACTERS = 300;

/** How to send: where, with which headers, compression and time limit. */
export interface TransportOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

/** Posts an encoded OTLP request; resolves with the partial success the server reported, if any. */
export async function postProtobuf(
  body: Uint8Array<ArrayBuffer>,
  options: TransportOptions,
): Promise<PartialSuccess | undefined> {
  const where = `POST ${options.url}`;
  const headers = new Headers(options.headers);
  headers.set('content-type', 'application/x-protobuf');
  if (!headers.has('user-agent')) headers.set('user-agent', 'wasmpipe');
  let payload = body;
  if (options.compression === 'gzip') {
    headers.set('content-encoding', 'gzip');
    payload = await gzip(body);
  }
  let response: Response;
  let responseBody: Uint8Array;
  try {
    response = await options.fetch(options.url, {
      method: 'POST',
      headers,
      body: payload,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    responseBody = await readLimited(response, MAX_RESPONSE_BYTES);
  } catch (error) {
    if (isTimeout(error)) {
      throw retryableError(`${where} failed: no response within ${formatDuration(options.timeoutMs)}.`, {
        cause: error,
      });
    }
    throw retryableError(`${where} failed: ${describeNetworkError(error)}.`, { cause: error });
  }
  if (response.ok) {
    return responseBody.length > 0 && isProtobuf(response) ? readPartialSuccess(responseBody) : undefined;
  }
  const detail = responseDetail(response, responseBody);
  const message = `${where} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${detail ? `: ${detail}` : ''}.`;
  if (RETRYABLE_STATUSES.has(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
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

/** Gzips bytes with the web-standard CompressionStream. */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads at most `limit` bytes of a body and releases the rest, so the connection can be reused. */
async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  if (size >= limit) await reader.cancel();
  const bytes = new Uint8Array(Math.min(size, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function isProtobuf(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('protobuf');
}

/** The server's own explanation: a google.rpc.Status message, or the start of a text body. */
function responseDetail(response: Response, body: Uint8Array): string | undefined {
  if (body.length === 0) return undefined;
  const text = isProtobuf(response) ? readStatusMessage(body) : new TextDecoder().decode(body);
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
};

/** Names a fetch failure the same way on Node (undici: `cause.code`), Deno and Bun (`code` or message). */
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
