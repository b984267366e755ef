// The prometheus exporter: a pull endpoint. Batches update the held state at once (no network);
// each scrape writes the state out in the format the scraper's Accept header asks for.

import type {
  Counter,
  CreateContext,
  Exporter,
  Host,
  HttpServer,
  Logger,
  MetricsBatch,
  Platform,
} from '@wasmpipe/core';
import { parseListenEndpoint } from '../shared/listen-endpoint.ts';
import type { PrometheusConfig } from './config.ts';
import { CONTENT_TYPES, negotiateFormat, writeExposition } from './exposition.ts';
import { MetricStore } from './metric-store.ts';

/** Serves the metrics it was given on a Prometheus scrape endpoint. */
export class PrometheusExporter implements Exporter {
  readonly #config: PrometheusConfig;
  readonly #logger: Logger;
  readonly #store: MetricStore;
  readonly #rejected: Counter;
  readonly #warned = new Set<string>();
  #platform: Platform;
  #server: HttpServer | undefined;

  constructor(config: PrometheusConfig, context: CreateContext) {
    this.#config = config;
    this.#logger = context.logger;
    this.#platform = context.platform;
    this.#store = new MetricStore({
      namespace: config.namespace,
      addMetricSuffixes: config.add_metric_suffixes,
      constLabels: config.const_labels,
      resourceToLabels: config.resource_to_telemetry_conversion.enabled,
      expirationMs: config.metric_expiration,
    });
    this.#rejected = context.telemetry.counter('wasmpipe.exporter.rejected', 'metrics');
    context.telemetry.gauge('wasmpipe.exporter.prometheus.series', () => this.#store.seriesCount);
  }

  /** Where the endpoint listens once started, e.g. `127.0.0.1:8889`. */
  get address(): string | undefined {
    return this.#server && `${this.#server.hostname}:${this.#server.port}`;
  }

  /** Starts the scrape endpoint. */
  async start(host?: Host): Promise<void> {
    if (this.#server) return;
    if (host) this.#platform = host.platform;
    const address = parseListenEndpoint(this.#config.endpoint) as { hostname: string; port: number };
    this.#server = await this.#platform.serve(address, (request) => this.#handle(request));
    this.#logger.info('The Prometheus scrape endpoint is listening.', {
      endpoint: `http://${this.address}${this.#config.path}`,
    });
  }

  /** Takes a batch into the served state; points Prometheus cannot hold are counted and logged once per reason. */
  async exportMetrics(batch: MetricsBatch): Promise<void> {
    const dropped = this.#store.add(batch);
    for (const [reason, count] of dropped) {
      this.#rejected.add(count);
      if (this.#warned.has(reason)) continue;
      this.#warned.add(reason);
      this.#logger.warn('Dropped points the Prometheus exposition cannot hold; further ones are counted only.', {
        reason,
        points: count,
      });
    }
  }

  /** Stops the endpoint. Idempotent. */
  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }

  /** Writes what a scrape gets, without HTTP: for tests and embedding. */
  scrape(accept: string | null = null): { contentType: string; body: string } {
    const format = negotiateFormat(accept);
    const { families, targets } = this.#store.collect();
    return {
      contentType: CONTENT_TYPES[format],
      body: writeExposition(families, targets, format, this.#config.send_timestamps),
    };
  }

  #handle(request: Request): Response {
    const path = new URL(request.url).pathname;
    if (path !== this.#config.path)
      return new Response(`Not found; metrics are at ${this.#config.path}.\n`, { status: 404 });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Only GET is allowed.\n', { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const { contentType, body } = this.scrape(request.headers.get('accept'));
    return new Response(request.method === 'HEAD' ? null : body, { headers: { 'content-type': contentType } });
  }
}
