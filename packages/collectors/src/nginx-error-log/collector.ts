import {
  type Collector,
  type Consumer,
  type Counter,
  type CreateContext,
  errorMessage,
  type LogRecord,
  type Metric,
  type NumberDataPoint,
  nowUnixNano,
} from '@wasmpipe/core';
import { discoverNginx } from '../nginx-discovery/discover.ts';
import { resolveFrom } from '../nginx-shared/config.ts';
import { logResource } from '../nginx-shared/log-discovery.ts';
import { resolvePath } from '../tail/config.ts';
import type { LineBatch } from '../tail/tailer.ts';
import { fileAttributes, type LineProcessor, TailingCollector, type TailTargets } from '../tail/tailing-collector.ts';
import type { ErrorLogConfig } from './config.ts';
import { ERROR_LOG_METRICS, type ErrorLogMetricName } from './metadata.ts';
import {
  ErrorLogParser,
  entryAttributes,
  NGINX_LEVELS,
  SEVERITY_NUMBERS,
  type TimeZone,
  type UpstreamFailure,
} from './parse-error-log.ts';

/** The instrumentation scope name of everything this collector produces. */
export const NGINX_ERROR_LOG_SCOPE_NAME = '@wasmpipe/collectors/nginx_error_log';

/** The failure reasons, in the order their data points are emitted. */
export const UPSTREAM_FAILURES: readonly UpstreamFailure[] = [
  'timed_out',
  'connection_refused',
  'no_live_upstreams',
  'connection_reset',
  'prematurely_closed',
  'host_unreachable',
];

/** Turns error-log lines into records and counts; used by the collector, testable without files. */
export class ErrorLogProcessor implements LineProcessor {
  readonly parser: ErrorLogParser;
  readonly #config: ErrorLogConfig;
  readonly #unparsed: Counter;
  readonly #startTimeUnixNano: bigint;
  readonly #levels = new Float64Array(NGINX_LEVELS.length);
  readonly #failures = new Float64Array(UPSTREAM_FAILURES.length);

  constructor(config: ErrorLogConfig, unparsed: Counter, startTimeUnixNano: bigint) {
    this.#config = config;
    this.#unparsed = unparsed;
    this.#startTimeUnixNano = startTimeUnixNano;
    this.parser = new ErrorLogParser(config.timezone as TimeZone);
  }

  /**
   * Parses lines. A line that does not start like an entry continues the previous entry of the
   * batch (nginx writes multi-line messages, e.g. FastCGI stderr, as they come); with no previous
   * entry it becomes a raw record, counted as unparsed.
   */
  process(batch: LineBatch, observedTimeUnixNano: bigint, emitRecords: boolean): LogRecord[] {
    const records: LogRecord[] = [];
    const file = fileAttributes(batch.path, this.#config.include_file_name, this.#config.include_file_path);
    let previous: LogRecord | undefined;
    let unparsed = 0;
    for (const line of batch.lines) {
      const entry = this.parser.parse(line);
      if (!entry) {
        if (previous) previous.body = `${previous.body as string}\n${line}`;
        else {
          unparsed++;
          if (emitRecords) records.push({ observedTimeUnixNano, body: line, attributes: { ...file } });
        }
        continue;
      }
      const level = NGINX_LEVELS.indexOf(entry.level);
      this.#levels[level] = (this.#levels[level] as number) + 1;
      if (entry.upstreamFailure) {
        const reason = UPSTREAM_FAILURES.indexOf(entry.upstreamFailure);
        this.#failures[reason] = (this.#failures[reason] as number) + 1;
      }
      if (!emitRecords) continue;
      const record: LogRecord = {
        observedTimeUnixNano,
        severityNumber: SEVERITY_NUMBERS[entry.level],
        severityText: entry.level,
        body: entry.message,
        attributes: { ...entryAttributes(entry), ...file },
      };
      if (entry.timeUnixNano !== undefined) record.timeUnixNano = entry.timeUnixNano;
      records.push(record);
      previous = record;
    }
    this.#unparsed.add(unparsed);
    return records;
  }

  /** Entries by level and upstream failures by reason, cumulative, every value present (zeros too). */
  collectMetrics(timeUnixNano: bigint): Metric[] {
    const metrics = this.#config.metrics as unknown as Record<ErrorLogMetricName, { enabled: boolean }>;
    const point = (value: number, attributes: Record<string, string>): NumberDataPoint => ({
      attributes,
      startTimeUnixNano: this.#startTimeUnixNano,
      timeUnixNano,
      value,
      isInteger: true,
    });
    const result: Metric[] = [];
    const add = (name: ErrorLogMetricName, dataPoints: NumberDataPoint[]) => {
      if (!metrics[name].enabled) return;
      const { description, unit } = ERROR_LOG_METRICS.find((metric) => metric.name === name)!;
      result.push({
        name,
        description,
        unit,
        data: { type: 'sum', aggregationTemporality: 'cumulative', isMonotonic: true, dataPoints },
      });
    };
    add(
      'nginx.error_log.records',
      NGINX_LEVELS.map((level, index) => point(this.#levels[index] as number, { 'nginx.error_log.level': level })),
    );
    add(
      'nginx.upstream.failures',
      UPSTREAM_FAILURES.map((reason, index) =>
        point(this.#failures[index] as number, { 'nginx.upstream.failure.reason': reason }),
      ),
    );
    return result;
  }
}

/** The `nginx_error_log` collector: tails error logs into records with severities, and counts. */
export class NginxErrorLogCollector implements Collector {
  readonly processor: ErrorLogProcessor;
  readonly #running: TailingCollector;

  constructor(config: ErrorLogConfig, context: CreateContext, next: Consumer) {
    if (!next.consumeLogs && !next.consumeMetrics) {
      throw new Error(`The collector "${context.id}" needs a consumer of logs or metrics.`);
    }
    const unparsed = context.telemetry.counter('wasmpipe.collector.unparsed');
    this.processor = new ErrorLogProcessor(config, unparsed, nowUnixNano());
    this.#running = new TailingCollector({
      config,
      context,
      next,
      scopeName: NGINX_ERROR_LOG_SCOPE_NAME,
      processor: this.processor,
      logs: config.logs.enabled,
      metrics: config.metrics.enabled,
      targets: () => errorLogTargets(config, context),
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

/** The configured patterns, plus with `discover` every error log file of nginx.conf. */
async function errorLogTargets(config: ErrorLogConfig, context: CreateContext): Promise<TailTargets> {
  const { configDirectory, logger } = context;
  const include = config.include.map((pattern) => resolvePath(pattern, configDirectory));
  if (!config.discover) return { include, resource: await logResource(config) };
  const configPath = resolveFrom(configDirectory, config.config_path);
  try {
    const discovery = await discoverNginx({ configPath });
    include.push(...discovery.errorLogs.map((log) => log.path));
    logger.info('Found error logs in nginx.conf.', { config_path: configPath, files: include.join(', ') });
    for (const problem of discovery.problems) logger.warn('Discovery could not use part of nginx.conf.', { problem });
    return { include, resource: await logResource(config, discovery.configPath) };
  } catch (error) {
    logger.warn('Discovery of the error logs failed; following the configured files only.', {
      config_path: configPath,
      error: errorMessage(error),
    });
    return { include, resource: await logResource(config) };
  }
}
