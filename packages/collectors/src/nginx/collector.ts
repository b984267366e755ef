import {
  type Collector,
  type Consumer,
  type CreateContext,
  errorMessage,
  type Logger,
  type MetricsBatch,
  nowUnixNano,
  StateChangeLog,
} from '@wasmpipe/core';
import { resolveFrom } from '../nginx-shared/config.ts';
import { createScrapeClient } from '../nginx-shared/create-client.ts';
import { CumulativeSeries } from '../nginx-shared/cumulative-series.ts';
import { EndpointSource, type ScrapeTarget } from '../nginx-shared/endpoint-source.ts';
import type { ScrapeClient } from '../nginx-shared/http-client.ts';
import { MetricsBuilder } from '../nginx-shared/metrics-builder.ts';
import { ScrapeFailure } from '../nginx-shared/scrape-failure.ts';
import { ScrapeHealth, ScrapeLoop } from '../nginx-shared/scrape-loop.ts';
import { PACKAGE_VERSION } from '../version.ts';
import type { NginxConfig } from './config.ts';
import { addAgentMetrics, addContribMetrics, NGINX_UP } from './metadata.ts';
import { parseStubStatus, type StubStatus, StubStatusParseError } from './parse-stub-status.ts';

/** The instrumentation scope name of every batch this collector produces. */
export const NGINX_SCOPE_NAME = '@wasmpipe/collectors/nginx';

/** A stub_status page is four short lines; anything much bigger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Scrapes an nginx stub_status page on a timer and hands one batch per scrape to the next
 * consumer. A failed scrape still sends `nginx.up` = 0, counts the failure, and warns once per
 * change of what is wrong; scraping goes on.
 */
export class NginxCollector implements Collector {
  readonly #config: NginxConfig;
  readonly #logger: Logger;
  readonly #consumeMetrics: (batch: MetricsBatch) => Promise<void>;
  readonly #client: ScrapeClient;
  readonly #source: EndpointSource;
  readonly #loop: ScrapeLoop;
  readonly #health: ScrapeHealth;
  readonly #consumerHealth: StateChangeLog;
  #series: CumulativeSeries;

  constructor(config: NginxConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeMetrics) throw new Error(`The collector "${context.id}" needs a consumer of metrics.`);
    this.#config = config;
    this.#logger = context.logger;
    this.#consumeMetrics = next.consumeMetrics.bind(next);
    this.#client = createScrapeClient(config, context, { maxBodyBytes: MAX_BODY_BYTES });
    this.#source = new EndpointSource({
      endpoint: config.endpoint,
      discover: config.discover,
      configPath: resolveFrom(context.configDirectory, config.config_path),
      instanceId: config.instance_id,
      what: 'stub_status',
      pick: (discovery) => discovery.stubStatus[0],
    });
    this.#health = new ScrapeHealth(context.logger, context.telemetry.counter('wasmpipe.scraper.errors', 'metrics'));
    this.#consumerHealth = new StateChangeLog(context.logger, 'warn');
    this.#series = new CumulativeSeries(nowUnixNano());
    this.#loop = new ScrapeLoop({
      intervalMillis: config.collection_interval,
      initialDelayMillis: config.initial_delay,
      tick: () => this.#tick(),
    });
  }

  /** Starts the timer; the first scrape runs after `initial_delay`. */
  start(): void {
    this.#series = new CumulativeSeries(nowUnixNano());
    this.#loop.start();
  }

  /** Stops the timer, waits for a scrape under way, and closes the kept-alive connection. Idempotent. */
  async shutdown(): Promise<void> {
    await this.#loop.stop();
    this.#client.close();
  }

  /** Scrapes once and returns the batch, without pushing it: `nginx.up` alone when the scrape failed. */
  async collect(): Promise<MetricsBatch> {
    let target: ScrapeTarget | undefined;
    let status: StubStatus | undefined;
    try {
      target = await this.#source.target();
      status = await this.#read(target);
      this.#health.succeeded(`The stub_status page ${target.url} is readable again.`);
    } catch (error) {
      this.#source.invalidate();
      this.#health.failed(error, 'Its metrics are missing and nginx.up is 0 until a scrape succeeds.');
    }
    const time = nowUnixNano();
    const builder = new MetricsBuilder(time, this.#series);
    builder.add(NGINX_UP, status ? 1 : 0);
    if (status) {
      if (this.#config.naming === 'otel_contrib') addContribMetrics(builder, status);
      else addAgentMetrics(builder, status);
      this.#series.endScrape(time);
    }
    const instanceId = target?.instanceId ?? this.#config.instance_id;
    const attributes = { ...(instanceId ? { 'instance.id': instanceId } : {}), 'instance.type': 'nginx' };
    return {
      resourceMetrics: [
        {
          resource: { attributes },
          scopeMetrics: [{ scope: { name: NGINX_SCOPE_NAME, version: PACKAGE_VERSION }, metrics: builder.build() }],
        },
      ],
    };
  }

  async #read(target: ScrapeTarget): Promise<StubStatus> {
    const response = await this.#client.get(target.url, { headers: target.headers, socketPath: target.socketPath });
    try {
      return parseStubStatus(response.body);
    } catch (error) {
      if (!(error instanceof StubStatusParseError)) throw error;
      throw new ScrapeFailure(
        'invalid_response',
        `GET ${target.url} did not return a stub_status page: ${error.message}`,
      );
    }
  }

  async #tick(): Promise<void> {
    const batch = await this.collect();
    try {
      await this.#consumeMetrics(batch);
      this.#consumerHealth.succeeded('The next component accepts nginx metrics again.');
    } catch (error) {
      this.#consumerHealth.failed('The next component refused nginx metrics; they are dropped until it accepts.', {
        error: errorMessage(error),
      });
    }
  }
}
