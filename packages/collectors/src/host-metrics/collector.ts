import { arch } from 'node:os';
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
  type ResourceMetrics,
  StateChangeLog,
} from '@wasmpipe/core';
import { detectResource } from '../resource-detection/detect.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { findOwnCgroup } from './cgroup.ts';
import type { HostMetricsConfig } from './config.ts';
import { createHostFiles, type HostFiles } from './host-files.ts';
import type { ResourceGroup, ScraperEnvironment } from './scraper.ts';
import { parseProcStat } from './scrapers/cpu/parse-proc-stat.ts';
import { createScrapers, type NamedScraper } from './scrapers/index.ts';
import { toSemanticConventions } from './semconv.ts';

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
  readonly #files: HostFiles;
  readonly #environment: ScraperEnvironment;
  #scrapers: NamedScraper[] | undefined;
  #platform: Platform;
  #state: 'created' | 'running' | 'stopped' = 'created';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;
  #bootTime: Promise<bigint> | undefined;
  #resource: Attributes | undefined;
  /** What is failing now (scraper names, `resource`, `consumer`): each is logged once per change. */
  readonly #health = new Map<string, StateChangeLog>();
  /** Parts of scrapes that were left out and already logged (a mount, a process). */
  readonly #skippedOnce = new Set<string>();

  constructor(config: HostMetricsConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeMetrics) throw new Error(`The collector "${context.id}" needs a consumer of metrics.`);
    this.#config = config;
    this.#logger = context.logger;
    this.#consumeMetrics = next.consumeMetrics.bind(next);
    this.#platform = context.platform;
    this.#files = createHostFiles(config.root_path);
    const useCgroup = config.cgroup_limits === 'auto' && this.#files.rootPath === '';
    this.#environment = {
      files: this.#files,
      readProcFile: async (relativePath) => this.#files.readText(`/proc/${relativePath}`),
      bootTimeUnixNano: () => this.#bootTimeUnixNano(),
      cgroupDirectory: useCgroup ? findOwnCgroup(this.#files) : undefined,
      skipped: (key, message, error) => {
        if (this.#skippedOnce.has(key)) return;
        this.#skippedOnce.add(key);
        this.#logger.warn(message, { error: errorMessage(error) });
      },
    };
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
    const scrapers = this.#createScrapers();
    const timeUnixNano = nowUnixNano();
    const results = await Promise.allSettled(
      scrapers.map(
        async ({ scraper }): Promise<Metric[] | ResourceGroup[]> =>
          scraper.scrapeResources ? scraper.scrapeResources(timeUnixNano) : scraper.scrape(timeUnixNano),
      ),
    );
    const metrics: Metric[] = [];
    const groups: ResourceGroup[] = [];
    results.forEach((result, index) => {
      const { name, scraper } = scrapers[index] as NamedScraper;
      if (result.status === 'fulfilled') {
        if (scraper.scrapeResources) groups.push(...(result.value as ResourceGroup[]));
        else metrics.push(...(result.value as Metric[]));
        this.#recovered(name, `The ${name} scraper recovered.`);
      } else {
        this.#failed(name, `The ${name} scraper failed; its metrics are missing until it recovers.`, result.reason);
      }
    });
    // Nothing to send: every scraper failed, or only metrics that need two scrapes are enabled.
    if (metrics.length === 0 && groups.every((group) => group.metrics.length === 0)) return undefined;
    const scope = { name: HOST_METRICS_SCOPE_NAME, version: PACKAGE_VERSION };
    const hostAttributes = this.#hostResource();
    const rename = this.#config.naming === 'semconv' ? toSemanticConventions : (list: Metric[]) => list;
    const resourceMetrics: ResourceMetrics[] = [];
    if (metrics.length > 0) {
      resourceMetrics.push({
        resource: { attributes: hostAttributes },
        scopeMetrics: [{ scope, metrics: rename(metrics) }],
      });
    }
    for (const group of groups) {
      if (group.metrics.length === 0) continue;
      resourceMetrics.push({
        resource: { attributes: { ...hostAttributes, ...group.attributes } },
        scopeMetrics: [{ scope, metrics: rename(group.metrics) }],
      });
    }
    return { resourceMetrics };
  }

  /**
   * Creates the scrapers at the first scrape. Without `/proc` (not Linux, or a wrong `root_path`)
   * the scrapers that need it are left out, and the collector says once which ones.
   */
  #createScrapers(): NamedScraper[] {
    if (this.#scrapers) return this.#scrapers;
    const { scrapers, unavailable, portable } = createScrapers(this.#config.scrapers, this.#environment, {
      procAvailable: this.#procAvailable(),
      portableAllowed: this.#files.rootPath === '',
    });
    if (unavailable.length > 0 || portable.length > 0) {
      this.#logger.warn(
        `There is no readable ${this.#files.rootPath}/proc/stat here (not Linux, or a wrong root_path).` +
          (unavailable.length > 0 ? ` These scrapers are unavailable: ${unavailable.join(', ')}.` : '') +
          (portable.length > 0
            ? ` These run with the runtime's os module and fewer metrics: ${portable.join(', ')}.`
            : ' No scraper can run.'),
      );
    }
    this.#scrapers = scrapers;
    return scrapers;
  }

  #procAvailable(): boolean {
    try {
      this.#files.readText('/proc/stat');
      return true;
    } catch {
      return false;
    }
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

  /** Read once, as contrib does at start; a failed read is retried at the next scrape. */
  #bootTimeUnixNano(): Promise<bigint> {
    this.#bootTime ??= this.#readBootTime().catch((error: unknown) => {
      this.#bootTime = undefined;
      throw error;
    });
    return this.#bootTime;
  }

  async #readBootTime(): Promise<bigint> {
    const { bootTimeSeconds } = parseProcStat(this.#files.readText('/proc/stat'));
    if (bootTimeSeconds === undefined) throw new Error('No btime line in /proc/stat.');
    return BigInt(bootTimeSeconds) * NANOS_PER_SECOND;
  }

  /** Detected once; the host name is retried at every scrape until it could be read. */
  #hostResource(): Attributes {
    if (this.#resource) return this.#resource;
    const attributes = detectResource(this.#config.resource_detection.detectors, {
      files: this.#files,
      env: (name) => this.#platform.env(name),
      machine: arch,
    });
    if (this.#config.resource_detection.detectors.includes('system') && attributes['host.name'] === undefined) {
      this.#failed('resource', 'Reading the host name failed; batches go without host.name.', 'no readable hostname');
      return attributes;
    }
    this.#recovered('resource', 'The host name is readable again.');
    this.#resource = attributes;
    return attributes;
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
