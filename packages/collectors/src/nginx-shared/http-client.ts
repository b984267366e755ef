// The HTTP client of the scraping collectors (`nginx`, `nginx_plus`): GET with headers, an overall
// time limit, a body size limit, TLS options as in the Collector's `tls` block, and one kept-alive
// connection. Built on node:http and node:https, which Node, Deno and Bun all implement with these
// options (web `fetch` cannot take a CA file or a client certificate portably).
import http from 'node:http';
import https from 'node:https';
import { errorMessage, type Platform } from '@wasmpipe/core';
import { ScrapeFailure } from './scrape-failure.ts';

/** The TLS options of a scraping collector, named as the OpenTelemetry Collector's `tls` block. */
export interface TlsFiles {
  ca_file?: string | undefined;
  cert_file?: string | undefined;
  key_file?: string | undefined;
  insecure_skip_verify: boolean;
}

/** What a {@link ScrapeClient} is built from. */
export interface ScrapeClientOptions {
  headers: Record<string, string>;
  timeoutMillis: number;
  tls: TlsFiles;
  /** A response body larger than this is an error; the connection is dropped. */
  maxBodyBytes: number;
  platform: Platform;
  /** Connections kept alive and used at once; default 1. */
  maxSockets?: number;
}

/** Per-request additions: headers discovery found (`Host`), a unix socket. */
export interface RequestTarget {
  headers?: Record<string, string>;
  socketPath?: string | undefined;
}

/** A successful response. */
export interface ScrapeResponse {
  status: number;
  contentType: string;
  body: string;
}

interface TlsMaterial {
  ca?: Uint8Array;
  cert?: Uint8Array;
  key?: Uint8Array;
}

/** GETs scrape URLs; every failure is a {@link ScrapeFailure} naming the URL and what went wrong. */
export class ScrapeClient {
  readonly #options: ScrapeClientOptions;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  #tls: Promise<TlsMaterial> | undefined;

  constructor(options: ScrapeClientOptions) {
    this.#options = options;
    const maxSockets = options.maxSockets ?? 1;
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets });
    this.#httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  }

  /**
   * GETs `url` and returns its body; throws a ScrapeFailure unless the status is 2xx. `headers` are
   * added to the configured ones; `socketPath` connects to a unix socket instead of the URL's host.
   */
  async get(url: string, target: RequestTarget = {}): Promise<ScrapeResponse> {
    const response = await this.#getOnce(url, target).catch(async (error: unknown) => {
      // A kept-alive connection the server closed while idle fails at once: try a fresh one.
      if ((error as { reusedSocket?: boolean }).reusedSocket) return this.#getOnce(url, target);
      throw error;
    });
    if (response.status < 200 || response.status > 299) {
      const excerpt = response.body.trim().slice(0, 120).replace(/\s+/g, ' ');
      throw new ScrapeFailure(
        'http_status',
        `GET ${url} answered HTTP ${response.status}${excerpt ? ` (${JSON.stringify(excerpt)})` : ''}`,
        { retryable: response.status >= 500 || response.status === 429, status: response.status },
      );
    }
    return response;
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  async #getOnce(url: string, target: RequestTarget): Promise<ScrapeResponse> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ScrapeFailure('invalid_url', `${JSON.stringify(url)} is not a URL`);
    }
    const secure = parsed.protocol === 'https:';
    if (!secure && parsed.protocol !== 'http:') {
      throw new ScrapeFailure('invalid_url', `${url} is neither http:// nor https://`);
    }
    const tls = secure ? await this.#tlsMaterial() : {};
    const { timeoutMillis, maxBodyBytes } = this.#options;
    return new Promise<ScrapeResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: ScrapeFailure) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const options: https.RequestOptions = {
        method: 'GET',
        headers: { accept: '*/*', 'user-agent': 'wasmpipe', ...this.#options.headers, ...target.headers },
        agent: secure ? this.#httpsAgent : this.#httpAgent,
      };
      if (target.socketPath) options.socketPath = target.socketPath;
      if (secure) {
        Object.assign(options, tls, { rejectUnauthorized: !this.#options.tls.insecure_skip_verify });
      }
      const request = (secure ? https : http).request(parsed, options, (response) => {
        const chunks: Uint8Array[] = [];
        let size = 0;
        response.on('data', (chunk: Uint8Array) => {
          size += chunk.byteLength;
          if (size > maxBodyBytes) {
            fail(new ScrapeFailure('too_large', `GET ${url}: the response is larger than ${maxBodyBytes} bytes`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: new TextDecoder().decode(concat(chunks, size)),
          });
        });
        response.on('error', (error) => fail(transportFailure(url, error)));
        response.on('aborted', () => fail(new ScrapeFailure('truncated', `GET ${url}: the response was cut off`)));
      });
      const timer = setTimeout(() => {
        fail(new ScrapeFailure('timeout', `GET ${url} timed out after ${timeoutMillis}ms`, { retryable: true }));
        request.destroy();
      }, timeoutMillis);
      request.on('error', (error) => {
        const failure = transportFailure(url, error);
        if ((request as { reusedSocket?: boolean }).reusedSocket) Object.assign(failure, { reusedSocket: true });
        fail(failure);
      });
      request.end();
    });
  }

  #tlsMaterial(): Promise<TlsMaterial> {
    this.#tls ??= this.#readTls().catch((error: unknown) => {
      this.#tls = undefined;
      throw error;
    });
    return this.#tls;
  }

  async #readTls(): Promise<TlsMaterial> {
    const { ca_file, cert_file, key_file } = this.#options.tls;
    const read = async (option: string, path: string | undefined) => {
      if (path === undefined) return undefined;
      try {
        return await this.#options.platform.readFile(path);
      } catch (error) {
        throw new ScrapeFailure('tls_files', `Reading tls.${option} ${path} failed: ${errorMessage(error)}`);
      }
    };
    const material: TlsMaterial = {};
    const ca = await read('ca_file', ca_file);
    const cert = await read('cert_file', cert_file);
    const key = await read('key_file', key_file);
    if (ca) material.ca = ca;
    if (cert) material.cert = cert;
    if (key) material.key = key;
    return material;
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  ENOENT: 'no such socket',
};

function transportFailure(url: string, error: Error): ScrapeFailure {
  const code = (error as { code?: string }).code ?? '';
  const tlsProblem = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/i.test(code) || /certificate|ssl|tls/i.test(error.message);
  if (tlsProblem) return new ScrapeFailure('tls', `GET ${url} failed TLS: ${error.message}`, { cause: error });
  const what = CODES[code];
  return new ScrapeFailure('unreachable', `GET ${url} failed: ${what ? `${what} (${error.message})` : error.message}`, {
    retryable: true,
    cause: error,
  });
}
