import {
  type Collector,
  type Consumer,
  type Counter,
  type CreateContext,
  errorMessage,
  type Logger,
  type LogRecord,
  type Metric,
  nowUnixNano,
  StateChangeLog,
} from '@wasmpipe/core';
import { discoverNginx } from '../nginx-discovery/discover.ts';
import { resolveFrom } from '../nginx-shared/config.ts';
import { logResource } from '../nginx-shared/log-discovery.ts';
import { resolvePath } from '../tail/config.ts';
import type { LineBatch } from '../tail/tailer.ts';
import { fileAttributes, type LineProcessor, TailingCollector, type TailTargets } from '../tail/tailing-collector.ts';
import type { AccessLogConfig } from './config.ts';
import { compileFormat, type LogFormat } from './log-format.ts';
import { mergeMetrics } from './merge-metrics.ts';
import type { AccessLogMetricName } from './metadata.ts';
import { AccessLogAggregator } from './metrics.ts';
import { AccessLogParser } from './parse-access-log.ts';

/** The instrumentation scope name of everything this collector produces. */
export const NGINX_ACCESS_LOG_SCOPE_NAME = '@wasmpipe/collectors/nginx_access_log';

const SAMPLE_LENGTH = 200;

/** One log format in use: its parser, and its aggregator when metrics are on. */
interface FormatState {
  parser: AccessLogParser;
  aggregator: AccessLogAggregator | undefined;
}

/**
 * Turns access-log lines into records and metrics. Files are read with the configured
 * `log_format` unless discovery gave them their own (see {@link addFile}); metrics of all formats
 * add up into one set of series.
 */
export class AccessLogProcessor implements LineProcessor {
  readonly #config: AccessLogConfig;
  readonly #unparsed: Counter;
  readonly #logger: Logger;
  readonly #startTimeUnixNano: bigint;
  readonly #default: FormatState;
  readonly #formats = new Map<string, FormatState>();
  readonly #files = new Map<string, FormatState>();
  readonly #unparsedHealth = new Map<string, StateChangeLog>();

  constructor(config: AccessLogConfig, logger: Logger, unparsed: Counter, startTimeUnixNano: bigint) {
    this.#config = config;
    this.#logger = logger;
    this.#unparsed = unparsed;
    this.#startTimeUnixNano = startTimeUnixNano;
    this.#default = this.#state(new AccessLogParser(config.log_format, config.escape).format);
  }

  /** The parser of the configured `log_format`. */
  get parser(): AccessLogParser {
    return this.#default.parser;
  }

  /** Metrics the configured format cannot feed. */
  get unavailable(): AccessLogMetricName[] {
    return this.#default.aggregator?.unavailable ?? [];
  }

  /** Reads the file at `path`, and the names rotation gives it (`path.1`...), with `format`. */
  addFile(path: string, format: LogFormat): AccessLogMetricName[] {
    const state = this.#state(format);
    this.#files.set(path, state);
    return state.aggregator?.unavailable ?? [];
  }

  /** Parses lines: matched ones feed the metrics; every line becomes a record when records are on. */
  process(batch: LineBatch, observedTimeUnixNano: bigint, emitRecords: boolean): LogRecord[] {
    const { parser, aggregator } = this.#stateFor(batch.path);
    const records: LogRecord[] = [];
    const file = fileAttributes(batch.path, this.#config.include_file_name, this.#config.include_file_path);
    let unparsed = 0;
    let sample: string | undefined;
    for (const line of batch.lines) {
      const matched = parser.scan(line);
      if (matched) aggregator?.observe(line, parser.offsets);
      else {
        unparsed++;
        sample ??= line;
      }
      if (emitRecords) {
        const record = parser.record(line, observedTimeUnixNano, matched);
        Object.assign(record.attributes, file);
        records.push(record);
      }
    }
    this.#unparsed.add(unparsed);
    this.#reportUnparsed(batch.path, parser, unparsed, sample);
    return records;
  }

  collectMetrics(timeUnixNano: bigint): Metric[] {
    const lists: Metric[][] = [];
    for (const state of new Set([this.#default, ...this.#files.values()])) {
      if (state.aggregator) lists.push(state.aggregator.collect(timeUnixNano));
    }
    return lists.length === 0 ? [] : mergeMetrics(lists);
  }

  #state(format: LogFormat): FormatState {
    const key = JSON.stringify([format.escape, format.literals, format.variables]);
    let state = this.#formats.get(key);
    if (!state) {
      const parser = new AccessLogParser(format);
      const toggles = this.#config.metrics as unknown as Record<AccessLogMetricName, { enabled: boolean }>;
      const aggregator = this.#config.metrics.enabled
        ? new AccessLogAggregator(format.variables, (name) => toggles[name]?.enabled ?? true, this.#startTimeUnixNano)
        : undefined;
      state = { parser, aggregator };
      this.#formats.set(key, state);
    }
    return state;
  }

  /** The file's own format, or that of the discovered file it was renamed from, or the configured one. */
  #stateFor(path: string): FormatState {
    const exact = this.#files.get(path);
    if (exact) return exact;
    let best: [string, FormatState] | undefined;
    for (const entry of this.#files) {
      if (path.startsWith(entry[0]) && entry[0].length > (best?.[0].length ?? 0)) best = entry;
    }
    return best?.[1] ?? this.#default;
  }

  /** One warning when a file's lines stop matching the format, one info line when they match again. */
  #reportUnparsed(path: string, parser: AccessLogParser, unparsed: number, sample: string | undefined): void {
    let health = this.#unparsedHealth.get(path);
    if (!health) {
      if (unparsed === 0) return;
      health = new StateChangeLog(this.#logger, 'warn');
      this.#unparsedHealth.set(path, health);
    }
    if (unparsed === 0) {
      health.succeeded('Access log lines match the log format again.', { path });
      return;
    }
    health.failed('Access log lines do not match the log format; they are kept as raw records and counted.', {
      path,
      line: (sample ?? '').slice(0, SAMPLE_LENGTH),
      log_format: parser.format.name ?? this.#config.log_format.slice(0, SAMPLE_LENGTH),
    });
  }
}

/** The `nginx_access_log` collector: tails access logs into records and metrics. */
export class NginxAccessLogCollector implements Collector {
  readonly processor: AccessLogProcessor;
  readonly #running: TailingCollector;
  readonly #config: AccessLogConfig;
  readonly #context: CreateContext;
  readonly #metrics: boolean;

  constructor(config: AccessLogConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeLogs && !next.consumeMetrics) {
      throw new Error(`The collector "${context.id}" needs a consumer of logs or metrics.`);
    }
    this.#config = config;
    this.#context = context;
    this.#metrics = next.consumeMetrics !== undefined;
    const unparsed = context.telemetry.counter('wasmpipe.collector.unparsed');
    this.processor = new AccessLogProcessor(config, context.logger, unparsed, nowUnixNano());
    if (config.include.length > 0) this.#reportUnavailable(this.processor.unavailable, config.log_format);
    this.#running = new TailingCollector({
      config,
      context,
      next,
      scopeName: NGINX_ACCESS_LOG_SCOPE_NAME,
      processor: this.processor,
      logs: config.logs.enabled,
      metrics: config.metrics.enabled,
      targets: () => this.#targets(),
    });
  }

  /** The tailer, once started. */
  get tailer() {
    return this.#running.tailer;
  }

  start(): Promise<void> {
    return this.#running.start();
  }

  shutdown(): Promise<void> {
    return this.#running.shutdown();
  }

  /** The configured patterns, plus with `discover` every access log of nginx.conf with its format. */
  async #targets(): Promise<TailTargets> {
    const config = this.#config;
    const { configDirectory, logger } = this.#context;
    const include = config.include.map((pattern) => resolvePath(pattern, configDirectory));
    if (!config.discover) return { include, resource: await logResource(config) };
    const configPath = resolveFrom(configDirectory, config.config_path);
    try {
      const discovery = await discoverNginx({ configPath });
      for (const log of discovery.accessLogs) {
        if (log.context !== 'http' || log.gzip) {
          logger.info('Skipping a discovered access log.', {
            path: log.path,
            reason: log.gzip ? 'written with gzip' : `a ${log.context} log`,
          });
          continue;
        }
        try {
          const format: LogFormat = {
            ...compileFormat(log.format.text),
            name: log.format.name,
            escape: log.format.escape,
          };
          this.#reportUnavailable(this.processor.addFile(log.path, format), log.format.name);
          include.push(log.path);
        } catch (error) {
          logger.warn('Skipping a discovered access log whose log_format cannot be read.', {
            path: log.path,
            log_format: log.format.name,
            error: errorMessage(error),
          });
        }
      }
      logger.info('Found access logs in nginx.conf.', { config_path: configPath, files: include.join(', ') });
      for (const problem of discovery.problems) logger.warn('Discovery could not use part of nginx.conf.', { problem });
      return { include, resource: await logResource(config, discovery.configPath) };
    } catch (error) {
      logger.warn('Discovery of the access logs failed; following the configured files only.', {
        config_path: configPath,
        error: errorMessage(error),
      });
      return { include, resource: await logResource(config) };
    }
  }

  #reportUnavailable(unavailable: AccessLogMetricName[], format: string): void {
    if (unavailable.length === 0 || !this.#metrics || !this.#config.metrics.enabled) return;
    this.#context.logger.info('The log format lacks the variables some metrics need; they are not emitted.', {
      log_format: format.slice(0, SAMPLE_LENGTH),
      metrics: unavailable.join(', '),
    });
  }
}
