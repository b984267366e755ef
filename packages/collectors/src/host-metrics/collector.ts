import {
  type Attributes,
  type Collector,
  type Consumer,
  type CreateContext,
  errorMessage,
  type Host,
  type Logger,
  type Metric,
  type MetricsBatch,
  nowUnixNano,
  type Platform,
  StateChangeLog,
} from '@wasmpipe/core';
import { PACKAGE_VERSION } from '../version.ts';
import type { HostMetricsConfig } from './config.ts';
import { readHostResource } from './resource.ts';
import { procPath, type ScraperEnvironment } from './scraper.ts';
import { parseProcStat } from './scrapers/cpu/parse-proc-stat.ts';
import { createScrapers, type NamedScraper } from './scrapers/index.ts';

/** The instrumentation scope name of every batch this collector produces. */
export const HOST_METRICS_SCOPE_NAME = '@wasmpipe/collectors/host_metrics';

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Scrapes the host on a timer and hands one batch per scrape to the next consumer. Scrapes never
 * overlap: the next one is scheduled when the previous one, push included, has finished.
 */
export class HostMetricsCollector implements Collector {
  readonly #config: HostMetricsConfig;
  readonly #logger: Logger;
  readonly #consumeMetrics: (batch: MetricsBatch) => Promise<void>;
  readonly #scrapers: NamedScraper[];
  #platform: Platform;
  #state: 'created' | 'running' | 'stopped' = 'created';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;
  #bootTime: Promise<bigint> | undefined;
  #resource: Attributes | undefined;
  /** What is failing now (scraper names, `resource`, `consumer`): each is logged once per change. */
  readonly #health = new Map<string, StateChangeLog>();

  constructor(config: HostMetricsConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeMetrics) throw new Error(`The collector "${context.id}" needs a consumer of metrics.`);
    this.#config = config;
    this.#logger = context.logger;
    this.#consumeMetrics = next.consumeMetrics.bind(next);
    this.#platform = context.platform;
    const environment: ScraperEnvironment = {
      readProcFile: (relativePath) => this.#readProcFile(relativePath),
      bootTimeUnixNano: () => this.#bootTimeUnixNano(),
    };
    this.#scrapers = createScrapers(config.scrapers, environment);
  }

  /** Starts the timer; the first scrape runs after `initial_delay`. */
  start(host: Host): void {
    if (this.#state !== 'created') return;
    this.#platform = host.platform;
    this.#state = 'running';
    this.#schedule(this.#config.initial_delay);
  }

  /** Stops the timer and waits for a scrape under way, push included. Idempotent. */
  async shutdown(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  /** Runs every enabled scraper once and returns their metrics as one batch, without pushing it. */
  async collect(): Promise<MetricsBatch | undefined> {
    const timeUnixNano = nowUnixNano();
    const results = await Promise.allSettled(this.#scrapers.map(({ scraper }) => scraper.scrape(timeUnixNano)));
    const metrics: Metric[] = [];
    results.forEach((result, index) => {
      const name = (this.#scrapers[index] as NamedScraper).name;
      if (result.status === 'fulfilled') {
        metrics.push(...result.value);
        this.#recovered(name, `The ${name} scraper recovered.`);
      } else {
        this.#failed(name, `The ${name} scraper failed; its metrics are missing until it recovers.`, result.reason);
      }
    });
    // Nothing to send: every scraper failed, or only metrics that need two scrapes are enabled.
    if (metrics.length === 0) return undefined;
    const scope = { name: HOST_METRICS_SCOPE_NAME, version: PACKAGE_VERSION };
    const resource = { attributes: await this.#hostResource() };
    return { resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics }] }] };
  }

  #schedule(delay: number): void {
    if (this.#state !== 'running') return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = this.#tick();
    }, delay);
  }

  async #tick(): Promise<void> {
    const began = performance.now();
    try {
      const batch = await this.collect();
      if (batch) await this.#push(batch);
    } catch (error) {
      this.#logger.error('A host metrics scrape failed unexpectedly.', { error: errorMessage(error) });
    }
    this.#schedule(Math.max(0, this.#config.collection_interval - (performance.now() - began)));
  }

  async #push(batch: MetricsBatch): Promise<void> {
    try {
      await this.#consumeMetrics(batch);
      this.#recovered('consumer', 'The next component accepts host metrics again.');
    } catch (error) {
      this.#failed('consumer', 'The next component refused host metrics; they are dropped until it accepts.', error);
    }
  }

  #readProcFile(relativePath: string): Promise<string> {
    return this.#platform.readTextFile(procPath(this.#config.root_path, relativePath));
  }

  /** Read once, as contrib does at start; a failed read is retried at the next scrape. */
  #bootTimeUnixNano(): Promise<bigint> {
    this.#bootTime ??= this.#readBootTime().catch((error: unknown) => {
      this.#bootTime = undefined;
      throw error;
    });
    return this.#bootTime;
  }

  async #readBootTime(): Promise<bigint> {
    const { bootTimeSeconds } = parseProcStat(await this.#readProcFile('stat'));
    if (bootTimeSeconds === undefined) throw new Error('No btime line in /proc/stat.');
    return BigInt(bootTimeSeconds) * NANOS_PER_SECOND;
  }

  async #hostResource(): Promise<Attributes> {
    if (this.#resource) return this.#resource;
    try {
      this.#resource = await readHostResource((relativePath) => this.#readProcFile(relativePath));
      this.#recovered('resource', 'The host name is readable again.');
      return this.#resource;
    } catch (error) {
      this.#failed('resource', 'Reading the host name failed; batches go without host.name.', error);
      return { 'os.type': 'linux' };
    }
  }

  #failed(key: string, message: string, error: unknown): void {
    this.#healthOf(key).failed(message, { error: errorMessage(error) });
  }

  #recovered(key: string, message: string): void {
    this.#health.get(key)?.succeeded(message);
  }

  #healthOf(key: string): StateChangeLog {
    let health = this.#health.get(key);
    if (!health) {
      health = new StateChangeLog(this.#logger, 'warn');
      this.#health.set(key, health);
    }
    return health;
  }
}
