import {
  type Collector,
  type Consumer,
  type Counter,
  type CreateContext,
  type Logger,
  type LogRecord,
  type Metric,
  nowUnixNano,
  StateChangeLog,
} from '@wasmpipe/core';
import type { LineBatch } from '../tail/tailer.ts';
import { fileAttributes, type LineProcessor, TailingCollector } from '../tail/tailing-collector.ts';
import type { AccessLogConfig } from './config.ts';
import type { AccessLogMetricName } from './metadata.ts';
import { AccessLogAggregator } from './metrics.ts';
import { AccessLogParser } from './parse-access-log.ts';

/** The instrumentation scope name of everything this collector produces. */
export const NGINX_ACCESS_LOG_SCOPE_NAME = '@wasmpipe/collectors/nginx_access_log';

const SAMPLE_LENGTH = 200;

/** Turns access-log lines into records and metrics. Pure apart from logging; used by the collector. */
export class AccessLogProcessor implements LineProcessor {
  readonly parser: AccessLogParser;
  readonly aggregator: AccessLogAggregator | undefined;
  readonly #config: AccessLogConfig;
  readonly #unparsed: Counter;
  readonly #logger: Logger;
  readonly #unparsedHealth = new Map<string, StateChangeLog>();

  constructor(config: AccessLogConfig, logger: Logger, unparsed: Counter, startTimeUnixNano: bigint) {
    this.#config = config;
    this.#logger = logger;
    this.#unparsed = unparsed;
    this.parser = new AccessLogParser(config.log_format, config.escape);
    if (config.metrics.enabled) {
      const toggles = config.metrics as unknown as Record<AccessLogMetricName, { enabled: boolean }>;
      this.aggregator = new AccessLogAggregator(
        this.parser.format.variables,
        (name) => toggles[name]?.enabled ?? true,
        startTimeUnixNano,
      );
    }
  }

  /** Parses lines: matched ones feed the metrics; every line becomes a record when records are on. */
  process(batch: LineBatch, observedTimeUnixNano: bigint, emitRecords: boolean): LogRecord[] {
    const { parser, aggregator } = this;
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
    this.#reportUnparsed(batch.path, unparsed, sample);
    return records;
  }

  collectMetrics(timeUnixNano: bigint): Metric[] {
    return this.aggregator?.collect(timeUnixNano) ?? [];
  }

  /** One warning when a file's lines stop matching the format, one info line when they match again. */
  #reportUnparsed(path: string, unparsed: number, sample: string | undefined): void {
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
      log_format: this.parser.format.name ?? this.#config.log_format.slice(0, SAMPLE_LENGTH),
    });
  }
}

/** The `nginx_access_log` collector: tails access logs into records and metrics. */
export class NginxAccessLogCollector implements Collector {
  readonly processor: AccessLogProcessor;
  readonly #running: TailingCollector;

  constructor(config: AccessLogConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeLogs && !next.consumeMetrics) {
      throw new Error(`The collector "${context.id}" needs a consumer of logs or metrics.`);
    }
    const unparsed = context.telemetry.counter('wasmpipe.collector.unparsed');
    this.processor = new AccessLogProcessor(config, context.logger, unparsed, nowUnixNano());
    const unavailable = this.processor.aggregator?.unavailable ?? [];
    if (unavailable.length > 0 && next.consumeMetrics) {
      context.logger.info('The log format lacks the variables some metrics need; they are not emitted.', {
        metrics: unavailable.join(', '),
      });
    }
    this.#running = new TailingCollector({
      config,
      context,
      next,
      scopeName: NGINX_ACCESS_LOG_SCOPE_NAME,
      processor: this.processor,
      logs: config.logs.enabled,
      metrics: config.metrics.enabled,
    });
  }

  /** The tailer, for tests and status. */
  get tailer() {
    return this.#running.tailer;
  }

  start(): Promise<void> {
    return this.#running.start();
  }

  shutdown(): Promise<void> {
    return this.#running.shutdown();
  }
}
