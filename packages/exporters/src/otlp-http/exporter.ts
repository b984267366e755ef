// The otlp_http exporter: encodes each batch with our own OTLP encoders (protobuf, or JSON) and
// posts it. It never logs per batch and never retries: it throws a retryable or permanent
// WasmpipeError, and the runtime's sending queue retries, counts and logs.

import {
  type Counter,
  type CreateContext,
  countDataPoints,
  countLogRecords,
  type Exporter,
  type ExportOptions,
  type FileSystem,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  permanentError,
  type Signal,
} from '@wasmpipe/core';
import { encodeLogsRequest } from '../otlp/encode-logs.ts';
import { encodeMetricsRequest } from '../otlp/encode-metrics.ts';
import { logsToOtlpJson, metricsToOtlpJson } from '../otlp/otlp-json.ts';
import type { PartialSuccess } from '../otlp/protobuf-reader.ts';
import type { OtlpHttpConfig } from './config.ts';
import { defaultSend, fetchSend, type HttpSend, nodeSend } from './http-send.ts';
import { resolveSettings, type SignalSettings } from './settings.ts';
import { postOtlp, type TransportOptions } from './transport.ts';

/** Services the exporter takes from its creator rather than from globals, for tests and odd runtimes. */
export interface OtlpHttpServices {
  fetch?: typeof fetch;
}

const encoder = new TextEncoder();

/** Sends metrics and logs to an OTLP/HTTP receiver. */
export class OtlpHttpExporter implements Exporter {
  readonly #settings: Record<Signal, SignalSettings>;
  readonly #logger: Logger;
  readonly #files: FileSystem | undefined;
  readonly #services: OtlpHttpServices;
  readonly #rejected: Record<Signal, Counter>;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #lastRejection: Record<Signal, string | undefined> = { metrics: undefined, logs: undefined };
  #transports: Promise<Record<Signal, TransportOptions>> | undefined;
  #closed = false;

  constructor(config: OtlpHttpConfig, context: CreateContext, services: OtlpHttpServices = {}) {
    const { settings } = resolveSettings(
      config,
      (name) => context.platform.env(name),
      context.configDirectory,
      context.id,
    );
    for (const warning of settings.warnings) context.logger.warn(warning);
    this.#settings = { metrics: settings.metrics, logs: settings.logs };
    this.#logger = context.logger;
    this.#files = context.platform.files;
    this.#services = services;
    this.#rejected = {
      metrics: context.telemetry.counter('wasmpipe.exporter.rejected', 'metrics'),
      logs: context.telemetry.counter('wasmpipe.exporter.rejected', 'logs'),
    };
  }

  /** Where each signal goes, after config and environment (for logs and tests). */
  get settings(): Readonly<Record<Signal, SignalSettings>> {
    return this.#settings;
  }

  /** Reads TLS files, so a missing certificate stops the start instead of the first export. */
  async start(): Promise<void> {
    await this.#ready();
  }

  /** Sends a metrics batch; throws a retryable or permanent WasmpipeError on failure. */
  async exportMetrics(batch: MetricsBatch, options?: ExportOptions): Promise<void> {
    if (countDataPoints(batch) === 0) return;
    const body =
      this.#settings.metrics.encoding === 'json'
        ? encoder.encode(JSON.stringify(metricsToOtlpJson(batch)))
        : encodeMetricsRequest(batch);
    await this.#send('metrics', body, options?.signal);
  }

  /** Sends a logs batch; throws a retryable or permanent WasmpipeError on failure. */
  async exportLogs(batch: LogsBatch, options?: ExportOptions): Promise<void> {
    if (countLogRecords(batch) === 0) return;
    const body =
      this.#settings.logs.encoding === 'json'
        ? encoder.encode(JSON.stringify(logsToOtlpJson(batch)))
        : encodeLogsRequest(batch);
    await this.#send('logs', body, options?.signal);
  }

  /** Stops taking batches and waits for requests under way (each bounded by `timeout`). */
  async shutdown(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    if (this.#transports) {
      const transports = await this.#transports.catch(() => undefined);
      transports?.metrics.send.close?.();
      transports?.logs.send.close?.();
    }
  }

  #ready(): Promise<Record<Signal, TransportOptions>> {
    this.#transports ??= (async () => {
      const sendFor = async (settings: SignalSettings): Promise<HttpSend> =>
        settings.tls
          ? nodeSend(settings.tls, this.#files)
          : this.#services.fetch
            ? fetchSend(this.#services.fetch)
            : defaultSend();
      const options = async (settings: SignalSettings): Promise<TransportOptions> => ({
        url: settings.url,
        headers: settings.headers,
        compression: settings.compression,
        encoding: settings.encoding,
        timeoutMs: settings.timeoutMs,
        send: await sendFor(settings),
      });
      return { metrics: await options(this.#settings.metrics), logs: await options(this.#settings.logs) };
    })();
    return this.#transports;
  }

  async #send(signal: Signal, body: Uint8Array<ArrayBuffer>, abort?: AbortSignal): Promise<void> {
    const options = (await this.#ready())[signal];
    if (this.#closed) throw permanentError(`POST ${options.url} not sent: the exporter is shut down.`);
    const request = postOtlp(body, options, abort);
    this.#inFlight.add(request);
    try {
      const partial = await request;
      if (partial !== undefined) this.#notePartialSuccess(signal, options.url, partial);
    } finally {
      this.#inFlight.delete(request);
    }
  }

  /** Counts what the server rejected; warns only when its reason changes, never once per batch. */
  #notePartialSuccess(signal: Signal, url: string, partial: PartialSuccess): void {
    this.#rejected[signal].add(partial.rejected);
    if (partial.rejected === 0 && partial.errorMessage === '') return;
    const reason = partial.errorMessage || 'no reason given';
    if (this.#lastRejection[signal] === reason) return;
    this.#lastRejection[signal] = reason;
    const what =
      partial.rejected > 0
        ? `rejected ${partial.rejected} ${signal === 'metrics' ? 'data point(s)' : 'log record(s)'}`
        : 'accepted the request with a warning';
    this.#logger.warn(`The OTLP receiver at ${url} ${what}: ${reason}.`, { signal });
  }
}
