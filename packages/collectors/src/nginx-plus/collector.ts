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
import { redactUrlCredentials, ScrapeFailure } from '../nginx-shared/scrape-failure.ts';
import { ScrapeHealth, ScrapeLoop } from '../nginx-shared/scrape-loop.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { type EndpointResult, PlusApi } from './api-client.ts';
import type { NginxPlusConfig } from './config.ts';
import { endpointsFor, type PlusEndpoint } from './endpoints.ts';
import { PlusJsonError } from './json-reader.ts';
import { PLUS_METRICS } from './metadata.ts';

/** The instrumentation scope name of every batch this collector produces. */
export const NGINX_PLUS_SCOPE_NAME = '@wasmpipe/collectors/nginx_plus';

/** Large upstream groups make big responses; past this something is wrong. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Scrapes the NGINX Plus REST API on a timer: finds the API version, reads every endpoint that
 * version has (in parallel, over a few kept-alive connections), and hands one batch per scrape
 * to the next consumer. `nginx.up` is 0 when the API root or `/nginx` cannot be read; an endpoint
 * that fails alone is left out of that scrape, counted, and warned about once per change.
 */
export class NginxPlusCollector implements Collector {
  readonly #config: NginxPlusConfig;
  readonly #consumeMetrics: (batch: MetricsBatch) => Promise<void>;
  readonly #client: ScrapeClient;
  readonly #api: PlusApi;
  readonly #source: EndpointSource;
  readonly #loop: ScrapeLoop;
  readonly #logger: Logger;
  readonly #errors: ReturnType<CreateContext['telemetry']['counter']>;
  readonly #health: ScrapeHealth;
  readonly #endpointHealth = new Map<string, ScrapeHealth>();
  readonly #consumerHealth: StateChangeLog;
  #series = new CumulativeSeries(nowUnixNano());
  #version: number | undefined;

  constructor(config: NginxPlusConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeMetrics) throw new Error(`The collector "${context.id}" needs a consumer of metrics.`);
    this.#config = config;
    this.#logger = context.logger;
    this.#consumeMetrics = next.consumeMetrics.bind(next);
    this.#client = createScrapeClient(config, context, { maxBodyBytes: MAX_BODY_BYTES, maxSockets: 4 });
    this.#api = new PlusApi(this.#client);
    this.#source = new EndpointSource({
      endpoint: config.endpoint,
      discover: config.discover,
      configPath: resolveFrom(context.configDirectory, config.config_path),
      instanceId: config.instance_id,
      what: 'the NGINX Plus api',
      pick: (discovery) => discovery.plusApi[0],
    });
    this.#errors = context.telemetry.counter('wasmpipe.scraper.errors', 'metrics');
    this.#health = new ScrapeHealth(context.logger, this.#errors);
    this.#consumerHealth = new StateChangeLog(context.logger, 'warn');
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

  /** Stops the timer, waits for a scrape under way, and closes kept-alive connections. Idempotent. */
  async shutdown(): Promise<void> {
    await this.#loop.stop();
    this.#client.close();
  }

  /** The API version in use, once found. */
  get apiVersion(): number | undefined {
    return this.#version;
  }

  /** Scrapes once and returns the batch, without pushing it: `nginx.up` alone when the API is unreachable. */
  async collect(): Promise<MetricsBatch> {
    let target: ScrapeTarget | undefined;
    let results: PromiseSettledResult<EndpointResult>[] = [];
    let endpoints: PlusEndpoint[] = [];
    let up = false;
    try {
      target = await this.#source.target();
      const version = await this.#apiVersion(target);
      endpoints = endpointsFor(version);
      const base = target;
      results = await Promise.allSettled(endpoints.map((endpoint) => this.#api.endpoint(base, version, endpoint.path)));
      // `/nginx` answers whenever the API works; without it the scrape failed as a whole.
      const nginx = results[0] as PromiseSettledResult<EndpointResult>;
      if (nginx.status === 'rejected') throw nginx.reason;
      if (!nginx.value.found) throw new ScrapeFailure('http_status', `${base.url}/${version}/nginx answered 404`);
      up = true;
      this.#health.succeeded(`The NGINX Plus API ${target.url} (version ${version}) is readable again.`);
    } catch (error) {
      this.#version = undefined;
      this.#source.invalidate();
      this.#health.failed(error, 'Its metrics are missing and nginx.up is 0 until a scrape succeeds.');
    }

    const time = nowUnixNano();
    const builder = new MetricsBuilder(time, this.#series);
    builder.add(PLUS_METRICS.up, up ? 1 : 0);
    if (up && target) {
      let complete = true;
      endpoints.forEach((endpoint, index) => {
        const url = `${target.url.replace(/\/+$/, '')}/${this.#version}/${endpoint.path}`;
        if (!this.#recordEndpoint(builder, endpoint, url, results[index] as PromiseSettledResult<EndpointResult>)) {
          complete = false;
        }
      });
      this.#series.endScrape(time, complete);
    }
    const instanceId = target?.instanceId ?? this.#config.instance_id;
    const attributes = { ...(instanceId ? { 'instance.id': instanceId } : {}), 'instance.type': 'nginxplus' };
    return {
      resourceMetrics: [
        {
          resource: { attributes },
          scopeMetrics: [
            { scope: { name: NGINX_PLUS_SCOPE_NAME, version: PACKAGE_VERSION }, metrics: builder.build() },
          ],
        },
      ],
    };
  }

  /** Records one endpoint's result; false when it failed (its points are rolled back). */
  #recordEndpoint(
    builder: MetricsBuilder,
    endpoint: PlusEndpoint,
    url: string,
    result: PromiseSettledResult<EndpointResult>,
  ): boolean {
    const health = this.#endpointHealthOf(endpoint.path);
    if (result.status === 'fulfilled' && !result.value.found) {
      // Not configured (no stream block, no caches): nothing to read, nothing wrong.
      health.succeeded(`The endpoint ${url} is readable again.`);
      return true;
    }
    const mark = builder.mark();
    try {
      if (result.status === 'rejected') throw result.reason;
      if (result.value.found) endpoint.record(builder, result.value.data, '');
      health.succeeded(`The endpoint ${url} is readable again.`);
      return true;
    } catch (error) {
      builder.rollback(mark);
      const failure =
        error instanceof PlusJsonError
          ? new ScrapeFailure('invalid_response', `GET ${url} returned JSON of an unexpected shape: ${error.message}`)
          : error;
      health.failed(failure, `The ${endpoint.path} metrics are missing until it recovers.`);
      return false;
    }
  }

  async #apiVersion(target: ScrapeTarget): Promise<number> {
    if (this.#version !== undefined) return this.#version;
    const version = await this.#api.version(target, this.#config.api_version);
    this.#version = version;
    this.#logger.info(redactUrlCredentials(`Reading NGINX Plus API version ${version} at ${target.url}.`));
    return version;
  }

  #endpointHealthOf(path: string): ScrapeHealth {
    let health = this.#endpointHealth.get(path);
    if (!health) {
      health = new ScrapeHealth(this.#logger, this.#errors);
      this.#endpointHealth.set(path, health);
    }
    return health;
  }

  async #tick(): Promise<void> {
    const batch = await this.collect();
    try {
      await this.#consumeMetrics(batch);
      this.#consumerHealth.succeeded('The next component accepts NGINX Plus metrics again.');
    } catch (error) {
      this.#consumerHealth.failed('The next component refused NGINX Plus metrics; they are dropped until it accepts.', {
        error: errorMessage(error),
      });
    }
  }
}
