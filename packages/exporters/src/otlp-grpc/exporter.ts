// The otlp_grpc exporter: encodes each batch with our own protobuf encoder and calls the OTLP
// `Export` method through @grpc/grpc-js (loaded at start, so users of other exporters never load
// it). Failures become retryable or permanent WasmpipeErrors as the OTLP spec classifies gRPC
// status codes; the runtime retries and queues.

import { Buffer } from 'node:buffer';
import type * as Grpc from '@grpc/grpc-js';
import {
  type Counter,
  type CreateContext,
  countDataPoints,
  countLogRecords,
  type Exporter,
  formatDuration,
  type Host,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  type Platform,
  permanentError,
  retryableError,
  type Signal,
  type WasmpipeError,
} from '@wasmpipe/core';
import { encodeLogsRequest } from '../otlp/encode-logs.ts';
import { encodeMetricsRequest } from '../otlp/encode-metrics.ts';
import { decodeStatus, GrpcCode } from '../otlp/export-status.ts';
import { readPartialSuccess } from '../otlp/protobuf-reader.ts';
import { loadTlsMaterial } from '../shared/tls-config.ts';
import { type GrpcTarget, grpcTarget, type OtlpGrpcConfig } from './config.ts';
import { otlpServiceDefinition } from './service.ts';

/** Codes worth retrying, as the OTLP spec lists them; RESOURCE_EXHAUSTED only with RetryInfo. */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([
  GrpcCode.CANCELLED,
  GrpcCode.DEADLINE_EXCEEDED,
  GrpcCode.ABORTED,
  GrpcCode.OUT_OF_RANGE,
  GrpcCode.UNAVAILABLE,
  GrpcCode.DATA_LOSS,
]);

/** Node's names of the TLS versions the `min_version` option takes. */
const TLS_VERSIONS = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' } as const;

const CODE_NAMES = Object.fromEntries(Object.entries(GrpcCode).map(([name, code]) => [code, name]));

type ExportCallback = (error: Grpc.ServiceError | null, response?: Uint8Array) => void;
type ExportClient = Grpc.Client & {
  Export(
    request: Uint8Array,
    metadata: Grpc.Metadata,
    options: Grpc.CallOptions,
    callback: ExportCallback,
  ): Grpc.ClientUnaryCall;
};

/** What the runtime may pass with each export call (a signal that aborts it at shutdown). */
export interface GrpcExportOptions {
  readonly signal?: AbortSignal;
}

/** Sends metrics and logs to an OTLP/gRPC receiver. */
export class OtlpGrpcExporter implements Exporter {
  readonly #config: OtlpGrpcConfig;
  readonly #target: GrpcTarget;
  readonly #logger: Logger;
  readonly #configDirectory: string;
  readonly #rejected: Record<Signal, Counter>;
  readonly #lastRejection: Record<Signal, string | undefined> = { metrics: undefined, logs: undefined };
  readonly #inFlight = new Set<Promise<unknown>>();
  #platform: Platform;
  #grpc: typeof Grpc | undefined;
  #clients: Record<Signal, ExportClient> | undefined;
  #closed = false;

  constructor(config: OtlpGrpcConfig, context: CreateContext) {
    const target = grpcTarget(config);
    if (target === undefined)
      throw permanentError(`The otlp_grpc endpoint ${JSON.stringify(config.endpoint)} is not host:port.`);
    this.#config = config;
    this.#target = target;
    this.#logger = context.logger;
    this.#platform = context.platform;
    this.#configDirectory = context.configDirectory;
    this.#rejected = {
      metrics: context.telemetry.counter('wasmpipe.exporter.rejected', 'metrics'),
      logs: context.telemetry.counter('wasmpipe.exporter.rejected', 'logs'),
    };
  }

  /** Loads grpc-js and the TLS files, and creates the clients (they connect on first use). */
  async start(host?: Host): Promise<void> {
    if (this.#clients) return;
    if (host) this.#platform = host.platform;
    const grpc = await import('@grpc/grpc-js');
    this.#grpc = grpc;
    const credentials = await this.#credentials(grpc);
    const options: Grpc.ChannelOptions = { 'grpc.primary_user_agent': 'wasmpipe' };
    if (this.#config.compression === 'gzip')
      options['grpc.default_compression_algorithm'] = grpc.compressionAlgorithms.gzip;
    if (this.#config.tls.server_name_override)
      options['grpc.ssl_target_name_override'] = this.#config.tls.server_name_override;
    const clientFor = (signal: Signal) => {
      const Client = grpc.makeGenericClientConstructor(otlpServiceDefinition(signal), `otlp-${signal}`);
      return new Client(this.#target.address, credentials, options) as unknown as ExportClient;
    };
    this.#clients = { metrics: clientFor('metrics'), logs: clientFor('logs') };
  }

  /** Sends a metrics batch; throws a retryable or permanent WasmpipeError on failure. */
  async exportMetrics(batch: MetricsBatch, options?: GrpcExportOptions): Promise<void> {
    if (countDataPoints(batch) === 0) return;
    await this.#send('metrics', encodeMetricsRequest(batch), options?.signal);
  }

  /** Sends a logs batch; throws a retryable or permanent WasmpipeError on failure. */
  async exportLogs(batch: LogsBatch, options?: GrpcExportOptions): Promise<void> {
    if (countLogRecords(batch) === 0) return;
    await this.#send('logs', encodeLogsRequest(batch), options?.signal);
  }

  /** Waits for calls under way (each bounded by `timeout`), then closes the channels. Idempotent. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    if (this.#clients) for (const client of Object.values(this.#clients)) client.close();
    this.#clients = undefined;
  }

  async #send(signal: Signal, request: Uint8Array, abort: AbortSignal | undefined): Promise<void> {
    const where = `Export ${signal} to ${this.#target.address}`;
    if (this.#closed) throw permanentError(`${where} not sent: the exporter is shut down.`);
    if (!this.#clients) await this.start();
    const call = this.#call(signal, request, where, abort);
    this.#inFlight.add(call);
    try {
      const response = await call;
      const partial = response.length > 0 ? readPartialSuccess(response) : undefined;
      if (partial !== undefined) this.#notePartialSuccess(signal, partial.rejected, partial.errorMessage);
    } finally {
      this.#inFlight.delete(call);
    }
  }

  #call(signal: Signal, request: Uint8Array, where: string, abort: AbortSignal | undefined): Promise<Uint8Array> {
    const grpc = this.#grpc as typeof Grpc;
    const client = (this.#clients as Record<Signal, ExportClient>)[signal];
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(this.#config.headers)) metadata.set(name.toLowerCase(), value);
    return new Promise((resolve, reject) => {
      if (abort?.aborted) {
        reject(retryableError(`${where} not sent: shutdown could wait no longer.`));
        return;
      }
      const call = client.Export(
        request,
        metadata,
        { deadline: Date.now() + this.#config.timeout },
        (error, response) => {
          abort?.removeEventListener('abort', cancel);
          if (error) reject(this.#classify(error, where));
          else resolve(response ?? new Uint8Array(0));
        },
      );
      const cancel = () => call.cancel();
      abort?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Turns a gRPC error into a WasmpipeError the runtime can act on. */
  #classify(error: Grpc.ServiceError, where: string): WasmpipeError {
    const details = error.metadata?.get('grpc-status-details-bin')[0];
    const status = details instanceof Uint8Array ? decodeStatus(details) : undefined;
    const retryAfterMs = status?.retryDelayMs;
    const name = CODE_NAMES[error.code] ?? `code ${error.code}`;
    const detail =
      error.code === GrpcCode.DEADLINE_EXCEEDED
        ? `no response within ${formatDuration(this.#config.timeout)}`
        : (error.details || status?.message || '').replace(/\.$/, '');
    const message = `${where} failed: ${name}${detail ? `: ${detail}` : ''}.`;
    const retryable =
      RETRYABLE_CODES.has(error.code) || (error.code === GrpcCode.RESOURCE_EXHAUSTED && retryAfterMs !== undefined);
    if (!retryable) return permanentError(message, error);
    return retryableError(message, retryAfterMs === undefined ? { cause: error } : { cause: error, retryAfterMs });
  }

  async #credentials(grpc: typeof Grpc): Promise<Grpc.ChannelCredentials> {
    if (!this.#target.secure) return grpc.credentials.createInsecure();
    const tls = this.#config.tls;
    const material = await loadTlsMaterial(tls, this.#platform, this.#configDirectory);
    const { createSecureContext } = await import('node:tls');
    const context = createSecureContext({
      ...(material.ca ? { ca: Buffer.from(material.ca) } : {}),
      ...(material.cert ? { cert: Buffer.from(material.cert) } : {}),
      ...(material.key ? { key: Buffer.from(material.key) } : {}),
      minVersion: TLS_VERSIONS[tls.min_version],
    });
    return grpc.credentials.createFromSecureContext(
      context,
      tls.insecure_skip_verify ? { rejectUnauthorized: false } : {},
    );
  }

  /** Counts what the server rejected; warns only when its reason changes, never once per batch. */
  #notePartialSuccess(signal: Signal, rejected: number, errorMessage: string): void {
    this.#rejected[signal].add(rejected);
    if (rejected === 0 && errorMessage === '') return;
    const reason = errorMessage || 'no reason given';
    if (this.#lastRejection[signal] === reason) return;
    this.#lastRejection[signal] = reason;
    const what =
      rejected > 0
        ? `rejected ${rejected} ${signal === 'metrics' ? 'data point(s)' : 'log record(s)'}`
        : 'accepted the request with a warning';
    this.#logger.warn(`The OTLP receiver at ${this.#target.address} ${what}: ${reason}.`, { signal });
  }
}
