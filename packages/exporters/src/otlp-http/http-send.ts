// Two ways to POST a request, behind one function type: `node:http`/`node:https` with keep-alive
// agents (the default wherever `node:http` exists: Node, Deno and Bun all implement it, and on
// Node it costs far less CPU per request than `fetch`, whose undici and web streams were a third
// of the exporter's busy time in the metric testbed), and `fetch` (web standard: the fallback, and
// what tests inject). TLS settings always need node:https, because `fetch` on Node cannot take a
// CA, a client certificate or a minimum version (checked in tls.test.ts against a real server).

import type { FileSystem } from '@wasmpipe/core';
import type { TlsSettings } from './settings.ts';

/** A request to send. */
export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array<ArrayBuffer>;
  /** Aborts the request (timeout or shutdown); the promise rejects with the signal's reason. */
  readonly signal: AbortSignal;
}

/** What came back; the body is read up to a limit. */
export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  header(name: string): string | null;
  readonly body: Uint8Array;
}

/** Sends one request; `close` (when present) releases kept-alive connections. */
export type HttpSend = ((request: HttpRequest) => Promise<HttpResponse>) & { close?(): void };

/** Response bodies are read up to this size: enough for a status or partial success message. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Sends with `fetch`. */
export function fetchSend(fetchFunction: typeof fetch = (input, init) => fetch(input, init)): HttpSend {
  return async (request) => {
    const response = await fetchFunction(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    const body = await readLimited(response, MAX_RESPONSE_BYTES);
    return {
      status: response.status,
      statusText: response.statusText,
      header: (name) => response.headers.get(name),
      body,
    };
  };
}

const TLS_VERSIONS = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' } as const;

/**
 * The default sender: node:http / node:https with keep-alive agents where the runtime has them,
 * else `fetch`.
 */
export async function defaultSend(): Promise<HttpSend> {
  try {
    return await nodeSend(undefined, undefined);
  } catch {
    return fetchSend();
  }
}

/** Sends with node:http / node:https and keep-alive agents carrying the TLS settings, if any. */
export async function nodeSend(tls: TlsSettings | undefined, files: FileSystem | undefined): Promise<HttpSend> {
  const [http, https] = await Promise.all([import('node:http'), import('node:https')]);
  if (tls === undefined) return agentSend(http, https, new https.Agent({ keepAlive: true }));
  const read = async (path: string | undefined, what: string) => {
    if (path === undefined) return undefined;
    if (!files) throw new Error(`Cannot read the ${what} ${path}: this platform has no file access.`);
    try {
      return new TextDecoder().decode(await files.readFile(path));
    } catch (error) {
      throw new Error(`Cannot read the ${what} ${path}: ${(error as Error).message}`);
    }
  };
  const [ca, cert, key] = await Promise.all([
    read(tls.caFile, 'CA certificate'),
    read(tls.certFile, 'client certificate'),
    read(tls.keyFile, 'client key'),
  ]);
  const secureAgent = new https.Agent({
    keepAlive: true,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    rejectUnauthorized: !tls.insecureSkipVerify,
    minVersion: TLS_VERSIONS[tls.minVersion],
  });
  return agentSend(http, https, secureAgent);
}

function agentSend(
  http: typeof import('node:http'),
  https: typeof import('node:https'),
  secureAgent: import('node:https').Agent,
): HttpSend {
  const plainAgent = new http.Agent({ keepAlive: true });
  const send: HttpSend = (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      if (request.signal.aborted) {
        reject(request.signal.reason);
        return;
      }
      const secure = request.url.startsWith('https:');
      const outgoing = (secure ? https : http).request(request.url, {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(request.body.length) },
        agent: secure ? secureAgent : plainAgent,
      });
      const onAbort = () => outgoing.destroy(request.signal.reason);
      request.signal.addEventListener('abort', onAbort, { once: true });
      const finish = () => request.signal.removeEventListener('abort', onAbort);
      outgoing.on('error', (error) => {
        finish();
        reject(request.signal.aborted ? request.signal.reason : error);
      });
      outgoing.on('response', (incoming) => {
        const chunks: Uint8Array[] = [];
        let size = 0;
        incoming.on('data', (chunk: Uint8Array) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        incoming.on('error', (error) => {
          finish();
          reject(request.signal.aborted ? request.signal.reason : error);
        });
        incoming.on('end', () => {
          finish();
          resolve({
            status: incoming.statusCode ?? 0,
            statusText: incoming.statusMessage ?? '',
            header: (name) => {
              const value = incoming.headers[name.toLowerCase()];
              return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
            },
            body: concat(chunks).subarray(0, MAX_RESPONSE_BYTES),
          });
        });
      });
      outgoing.end(request.body);
    });
  send.close = () => {
    plainAgent.destroy();
    secureAgent.destroy();
  };
  return send;
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
  return concat(chunks).subarray(0, limit);
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
