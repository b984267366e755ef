// The otlp_http exporter: encodes each batch with our own protobuf encoder and posts it. It never
// logs per batch; the runtime counts and logs what it throws. Retries belong to the runtime.

import {
  type Counter,
  type CreateContext,
  countDataPoints,
  countLogRecords,
  type Exporter,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  permanentError,
  type Signal,
} from '@wasmpipe/core';
import { encodeLogsRequest } from '../otlp/encode-logs.ts';
import { encodeMetricsRequest } from '../otlp/encode-metrics.ts';
import type { PartialSuccess } from '../otlp/protobuf-reader.ts';
import { type OtlpHttpConfig, signalUrl } from './config.ts';
import { postProtobuf, type TransportOptions } from './transport.ts';

/** Services the exporter takes from its creator rather than from globals, for tests and odd runtimes. */
export interface OtlpHttpServices {
  fetch?: typeof fetch;
}

/** Sends metrics and logs to an OTLP/HTTP receiver as protobuf. */
export class OtlpHttpExporter implements Exporter {
  readonly #metrics: TransportOptions;
  readonly #logs: TransportOptions;
  readonly #logger: Logger;
  readonly #rejected: Record<Signal, Counter>;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #lastRejection: Record<Signal, string | undefined> = { metrics: undefined, logs: undefined };
  #closed = false;

  constructor(config: OtlpHttpConfig, context: CreateContext, services: OtlpHttpServices = {}) {
    const common = {
      headers: config.headers,
      compression: config.compression,
      timeoutMs: config.timeout,
      fetch: services.fetch ?? ((input, init) => fetch(input, init)),
    };
    this.#metrics = { ...common, url: signalUrl(config, 'metrics') };
    this.#logs = { ...common, url: signalUrl(config, 'logs') };
    this.#logger = context.logger;
    this.#rejected = {
      metrics: context.telemetry.counter('wasmpipe.exporter.rejected', 'metrics'),
      logs: context.telemetry.counter('wasmpipe.exporter.rejected', 'logs'),
    };
  }

  /** Sends a metrics batch; throws a retryable or permanent WasmpipeError on failure. */
  async exportMetrics(batch: MetricsBatch): Promise<void> {
    if (countDataPoints(batch) === 0) return;
    await this.#send('metrics', this.#metrics, encodeMetricsRequest(batch));
  }

  /** Sends a logs batch; throws a retryable or permanent WasmpipeError on failure. */
  async exportLogs(batch: LogsBatch): Promise<void> {
    if (countLogRecords(batch) === 0) return;
    await this.#send('logs', this.#logs, encodeLogsRequest(batch));
  }

  /** Stops taking batches and waits for requests under way (each bounded by `timeout`). */
  async shutdown(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
  }

  async #send(signal: Signal, options: TransportOptions, body: Uint8Array<ArrayBuffer>): Promise<void> {
    if (this.#closed) throw permanentError(`POST ${options.url} not sent: the exporter is shut down.`);
    const request = postProtobuf(body, options);
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
