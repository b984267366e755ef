import {
  type Attributes,
  type Collector,
  type Consumer,
  type CreateContext,
  errorMessage,
  type Logger,
  type Metric,
  type MetricsBatch,
  nowUnixNano,
  type ResourceMetrics,
  StateChangeLog,
} from '@wasmpipe/core';
import { createHostFiles, type HostFiles } from '../host-metrics/host-files.ts';
import { MetricRecorder } from '../host-metrics/metric-builders.ts';
import { countOnlineCpus, parseProcStat } from '../host-metrics/scrapers/cpu/parse-proc-stat.ts';
import { parseMeminfo } from '../host-metrics/scrapers/memory/parse-meminfo.ts';
import { toSemanticConventions } from '../host-metrics/semconv.ts';
import { discoverNginx } from '../nginx-discovery/discover.ts';
import { nginxInstanceId } from '../nginx-shared/instance.ts';
import { ScrapeLoop } from '../nginx-shared/scrape-loop.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { type ProcessCollectorConfig, WORKERS_COUNT } from './config.ts';
import { findNginx, type NginxProcesses } from './find-nginx.ts';
import { type HostFacts, ProcessMetrics, partsFor } from './process-metrics.ts';
import { type ProcessSnapshot, readProcess, UserNames } from './procfs/read-process.ts';

/** The instrumentation scope of the `process` collector. */
export const PROCESS_SCOPE_NAME = '@wasmpipe/collectors/process';

const NANOS_PER_TICK = 10_000_000n;

/**
 * Reports the nginx master and its children (workers, cache processes) as `process.*` metrics,
 * one resource per process, plus the number of workers on the master's resource.
 */
export class ProcessCollector implements Collector {
  readonly #config: ProcessCollectorConfig;
  readonly #logger: Logger;
  readonly #consumeMetrics: (batch: MetricsBatch) => Promise<void>;
  readonly #files: HostFiles;
  readonly #metrics: ProcessMetrics;
  readonly #loop: ScrapeLoop;
  readonly #configDirectory: string;
  readonly #found: StateChangeLog;
  readonly #consumer: StateChangeLog;
  readonly #denied = new Set<string>();
  #pidFile: string | undefined;
  #instanceAttributes: Attributes | undefined;
  #bootTime: bigint | undefined;
  #foundBy: string | undefined;
  #discoveryFailed = false;

  constructor(config: ProcessCollectorConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeMetrics) throw new Error(`The collector "${context.id}" needs a consumer of metrics.`);
    this.#config = config;
    this.#logger = context.logger;
    this.#consumeMetrics = next.consumeMetrics.bind(next);
    this.#configDirectory = context.configDirectory;
    this.#files = createHostFiles(config.root_path);
    this.#metrics = new ProcessMetrics(config.metrics);
    this.#found = new StateChangeLog(context.logger, 'warn');
    this.#consumer = new StateChangeLog(context.logger, 'warn');
    this.#loop = new ScrapeLoop({
      intervalMillis: config.collection_interval,
      initialDelayMillis: config.initial_delay,
      tick: () => this.#tick(),
    });
  }

  /** Starts the timer; the first scrape runs after `initial_delay`. */
  start(): void {
    this.#loop.start();
  }

  /** Stops the timer and waits for a scrape under way. Idempotent. */
  async shutdown(): Promise<void> {
    await this.#loop.stop();
  }

  /** Finds nginx and reads its processes once; undefined when no nginx runs. */
  async collect(): Promise<MetricsBatch | undefined> {
    const pidFile = await this.#resolvePidFile();
    const search = findNginx(this.#files, pidFile, this.#config.process_name);
    if (search.instances.length === 0) {
      this.#found.failed(
        `No ${this.#config.process_name} process found: ${search.pidFileProblem ?? 'no pid file'}, and no process is named ${this.#config.process_name}. Scraping continues.`,
      );
      return undefined;
    }
    this.#found.succeeded(`Found ${this.#config.process_name} again.`);
    if (search.foundBy !== this.#foundBy) {
      if (search.foundBy === 'name') {
        this.#logger.info(`Found nginx by its name ${this.#config.process_name}: ${search.pidFileProblem}.`);
      }
      this.#foundBy = search.foundBy;
    }
    const time = nowUnixNano();
    const bootTime = this.#readBootTime();
    const facts: HostFacts = { bootTimeUnixNano: bootTime };
    if (this.#config.metrics['process.cpu.utilization'].enabled) {
      facts.logicalCpus = countOnlineCpus(this.#files.readText('/proc/stat'));
    }
    if (this.#config.metrics['process.memory.utilization'].enabled) {
      facts.memoryTotalBytes = parseMeminfo(this.#files.readText('/proc/meminfo'))['MemTotal'];
    }
    const instance = await this.#instance();
    const scope = { name: PROCESS_SCOPE_NAME, version: PACKAGE_VERSION };
    const rename = this.#config.naming === 'semconv' ? toSemanticConventions : (metrics: Metric[]) => metrics;
    const resourceMetrics: ResourceMetrics[] = [];
    for (const nginx of search.instances) {
      const snapshots = this.#read(nginx);
      const groups = this.#metrics.record(snapshots, time, facts);
      groups.forEach((group, index) => {
        const metrics = [...group.metrics];
        if (index === 0 && snapshots[0]?.pid === nginx.master.pid && this.#config.workers_count) {
          const start = bootTime + BigInt(nginx.master.startTicks) * NANOS_PER_TICK;
          const recorder = new MetricRecorder({ [WORKERS_COUNT.name]: { enabled: true } }, time, start);
          recorder.record(WORKERS_COUNT, nginx.workers.length, {});
          metrics.push(...recorder.metrics());
        }
        if (metrics.length === 0) return;
        resourceMetrics.push({
          resource: { attributes: { ...instance, ...group.attributes } },
          scopeMetrics: [{ scope, metrics: rename(metrics) }],
        });
      });
    }
    return resourceMetrics.length > 0 ? { resourceMetrics } : undefined;
  }

  #read(nginx: NginxProcesses): ProcessSnapshot[] {
    const users = new UserNames(this.#files);
    const parts = partsFor(this.#config.metrics);
    const onDenied = (part: string, error: unknown) => {
      if (this.#denied.has(part)) return;
      this.#denied.add(part);
      this.#logger.warn(
        `The ${part} of nginx processes cannot be read; run wasmpipe as root (or as nginx's user) to get them. Those metrics are left out.`,
        { error: errorMessage(error) },
      );
    };
    const snapshots: ProcessSnapshot[] = [];
    for (const stat of [nginx.master, ...nginx.children]) {
      const snapshot = readProcess(this.#files, stat, parts, users, onDenied, {
        cmdline: nginx.cmdlines.get(stat.pid),
      });
      if (snapshot) snapshots.push(snapshot);
    }
    return snapshots;
  }

  async #resolvePidFile(): Promise<string> {
    if (this.#pidFile) return this.#pidFile;
    if (!this.#config.discover) return this.#config.pid_file;
    const configPath = resolveFrom(this.#configDirectory, this.#config.config_path);
    try {
      const discovery = await discoverNginx({ configPath });
      this.#pidFile = discovery.pidFile;
      this.#logger.info(`Discovered the nginx pid file ${discovery.pidFile} in ${configPath}.`);
      return discovery.pidFile;
    } catch (error) {
      if (!this.#discoveryFailed) {
        this.#discoveryFailed = true;
        this.#logger.warn(
          `Reading ${configPath} to discover the pid file failed; using ${this.#config.pid_file} until it works.`,
          {
            error: errorMessage(error),
          },
        );
      }
      return this.#config.pid_file;
    }
  }

  async #instance(): Promise<Attributes> {
    if (this.#instanceAttributes) return this.#instanceAttributes;
    const attributes: Attributes = { 'instance.type': 'nginx' };
    const id =
      this.#config.instance_id ??
      (this.#config.discover
        ? await nginxInstanceId(resolveFrom(this.#configDirectory, this.#config.config_path))
        : undefined);
    if (id) attributes['instance.id'] = id;
    this.#instanceAttributes = attributes;
    return attributes;
  }

  #readBootTime(): bigint {
    if (this.#bootTime === undefined) {
      const { bootTimeSeconds } = parseProcStat(this.#files.readText('/proc/stat'));
      if (bootTimeSeconds === undefined) throw new Error('No btime line in /proc/stat.');
      this.#bootTime = BigInt(bootTimeSeconds) * 1_000_000_000n;
    }
    return this.#bootTime;
  }

  async #tick(): Promise<void> {
    let batch: MetricsBatch | undefined;
    try {
      batch = await this.collect();
    } catch (error) {
      this.#found.failed('Reading the nginx processes failed; scraping continues.', { error: errorMessage(error) });
      return;
    }
    if (!batch) return;
    try {
      await this.#consumeMetrics(batch);
      this.#consumer.succeeded('The next component accepts process metrics again.');
    } catch (error) {
      this.#consumer.failed('The next component refused process metrics; they are dropped until it accepts.', {
        error: errorMessage(error),
      });
    }
  }
}

function resolveFrom(directory: string, path: string): string {
  return path.startsWith('/') ? path : `${directory.replace(/\/+$/, '')}/${path}`;
}
