// The running part shared by collectors that tail log files: a tailer whose lines become log
// records pushed with backpressure, and metrics pushed every collection interval.
import {
  type Attributes,
  type Collector,
  type Consumer,
  type CreateContext,
  errorMessage,
  type Logger,
  type LogRecord,
  type Metric,
  nowUnixNano,
  StateChangeLog,
} from '@wasmpipe/core';
import { PACKAGE_VERSION } from '../version.ts';
import { type TailConfig, tailerOptions } from './config.ts';
import { type LineBatch, Tailer } from './tailer.ts';

/** What a specific collector adds to the shared tailing loop. */
export interface LineProcessor {
  /** Turns lines into records (when `emitRecords`) and feeds the metrics. */
  process(batch: LineBatch, observedTimeUnixNano: bigint, emitRecords: boolean): LogRecord[];
  /** The metrics as of `timeUnixNano`; undefined when this collector has none to emit. */
  collectMetrics?(timeUnixNano: bigint): Metric[];
}

/** What a collector follows, worked out at start (from its config, or by discovery). */
export interface TailTargets {
  /** Absolute glob patterns; none means nothing to follow (a warning says so). */
  include: string[];
  /** Resource attributes of everything produced (`instance.id`, `instance.type`). */
  resource: Attributes;
}

/** Options of {@link TailingCollector}. */
export interface TailingCollectorOptions {
  config: Omit<TailConfig, 'include'> & { collection_interval: number };
  /** Works out the files to follow; called once, at start. */
  targets(): Promise<TailTargets>;
  context: CreateContext;
  next: Consumer;
  /** Instrumentation scope of the records and metrics. */
  scopeName: string;
  processor: LineProcessor;
  /** Records on (also needs a logs pipeline). */
  logs: boolean;
  /** Metrics on (also needs a metrics pipeline). */
  metrics: boolean;
}

/**
 * Tails files and pushes what a {@link LineProcessor} makes of them: records as lines arrive,
 * metrics every `collection_interval` and once more at shutdown, so nothing counted is lost.
 */
export class TailingCollector implements Collector {
  #tailer: Tailer | undefined;
  #resource: Attributes = {};
  readonly #options: TailingCollectorOptions;
  readonly #logger: Logger;
  readonly #emitRecords: boolean;
  readonly #emitMetrics: boolean;
  readonly #logsHealth: StateChangeLog;
  readonly #metricsHealth: StateChangeLog;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #metricsInFlight: Promise<void> | undefined;
  #state: 'created' | 'running' | 'stopped' = 'created';

  constructor(options: TailingCollectorOptions) {
    const { context, next } = options;
    this.#options = options;
    this.#logger = context.logger;
    this.#emitRecords = options.logs && next.consumeLogs !== undefined;
    this.#emitMetrics = options.metrics && next.consumeMetrics !== undefined && !!options.processor.collectMetrics;
    this.#logsHealth = new StateChangeLog(this.#logger, 'warn');
    this.#metricsHealth = new StateChangeLog(this.#logger, 'warn');
  }

  /** The tailer, once started (undefined before, or when there was nothing to follow). */
  get tailer(): Tailer | undefined {
    return this.#tailer;
  }

  /** Works out the files, starts following them (start offsets fixed before this resolves) and the metrics timer. */
  async start(): Promise<void> {
    if (this.#state !== 'created') return;
    this.#state = 'running';
    const { config, context } = this.#options;
    const targets = await this.#options.targets();
    this.#resource = targets.resource;
    if (targets.include.length === 0) {
      this.#logger.warn('There is no log file to follow; nothing will be read.');
    } else {
      this.#tailer = new Tailer(
        tailerOptions({ ...config, include: targets.include }, context.id, context.configDirectory),
        (batch) => this.#consumeLines(batch),
        this.#logger,
        context.telemetry,
      );
      await this.#tailer.start();
    }
    this.#schedule();
  }

  /** Stops the tailer (saving offsets), then pushes the metrics one last time. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#state === 'stopped') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'stopped';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#tailer?.shutdown();
    await this.#metricsInFlight;
    if (wasRunning) await this.#pushMetrics();
  }

  #schedule(): void {
    if (this.#state !== 'running' || !this.#emitMetrics) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#metricsInFlight = this.#pushMetrics().finally(() => this.#schedule());
    }, this.#options.config.collection_interval);
  }

  async #consumeLines(batch: LineBatch): Promise<void> {
    const records = this.#options.processor.process(batch, nowUnixNano(), this.#emitRecords);
    if (!this.#emitRecords || records.length === 0) return;
    try {
      await this.#options.next.consumeLogs?.({
        resourceLogs: [
          {
            resource: { attributes: { ...this.#resource } },
            scopeLogs: [{ scope: this.#scope(), logRecords: records }],
          },
        ],
      });
      this.#logsHealth.succeeded('The next component accepts log records again.');
    } catch (error) {
      this.#logsHealth.failed('The next component refused log records; they are dropped until it accepts.', {
        error: errorMessage(error),
      });
    }
  }

  async #pushMetrics(): Promise<void> {
    if (!this.#emitMetrics) return;
    const metrics = this.#options.processor.collectMetrics?.(nowUnixNano()) ?? [];
    if (metrics.length === 0) return;
    try {
      await this.#options.next.consumeMetrics?.({
        resourceMetrics: [
          { resource: { attributes: { ...this.#resource } }, scopeMetrics: [{ scope: this.#scope(), metrics }] },
        ],
      });
      this.#metricsHealth.succeeded('The next component accepts metrics again.');
    } catch (error) {
      this.#metricsHealth.failed('The next component refused metrics; they are dropped until it accepts.', {
        error: errorMessage(error),
      });
    }
  }

  #scope() {
    return { name: this.#options.scopeName, version: PACKAGE_VERSION };
  }
}

/** The `log.file.*` attributes of records from `path`, as the filelog receiver names them. */
export function fileAttributes(path: string, name: boolean, fullPath: boolean): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (name) attributes['log.file.name'] = path.slice(path.lastIndexOf('/') + 1);
  if (fullPath) attributes['log.file.path'] = path;
  return attributes;
}
