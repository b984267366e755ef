// The debug exporter: writes batches to stdout (or any line writer) for a person or a script to read.

import { countDataPoints, countLogRecords, type Exporter, type LogsBatch, type MetricsBatch } from '@wasmpipe/core';
import { logsToOtlpJson, metricsToOtlpJson } from '../otlp/otlp-json.ts';
import type { DebugConfig } from './config.ts';
import { logsDetailed, logsNormal, logsSummary } from './format-logs.ts';
import { metricsDetailed, metricsNormal, metricsSummary } from './format-metrics.ts';

/** Where the debug exporter writes: one call per line, without the line break. */
export type LineWriter = (line: string) => void;

/** The default line writer: standard output. */
export const writeToStdout: LineWriter = (line) => console.log(line);

/** Writes each batch as text lines or one JSON line; never fails the pipeline. */
export class DebugExporter implements Exporter {
  readonly #config: DebugConfig;
  readonly #write: LineWriter;

  constructor(config: DebugConfig, write: LineWriter = writeToStdout) {
    this.#config = config;
    this.#write = write;
  }

  /** Writes a metrics batch at the configured verbosity and format. */
  async exportMetrics(batch: MetricsBatch): Promise<void> {
    const { verbosity, format } = this.#config;
    if (format === 'json') {
      const json =
        verbosity === 'basic'
          ? { signal: 'metrics', resources: batch.resourceMetrics.length, dataPoints: countDataPoints(batch) }
          : metricsToOtlpJson(batch);
      this.#write(JSON.stringify(json));
      return;
    }
    if (verbosity === 'basic') this.#write(metricsSummary(batch));
    else this.#writeAll(verbosity === 'normal' ? metricsNormal(batch) : metricsDetailed(batch));
  }

  /** Writes a logs batch at the configured verbosity and format. */
  async exportLogs(batch: LogsBatch): Promise<void> {
    const { verbosity, format } = this.#config;
    if (format === 'json') {
      const json =
        verbosity === 'basic'
          ? { signal: 'logs', resources: batch.resourceLogs.length, logRecords: countLogRecords(batch) }
          : logsToOtlpJson(batch);
      this.#write(JSON.stringify(json));
      return;
    }
    if (verbosity === 'basic') this.#write(logsSummary(batch));
    else this.#writeAll(verbosity === 'normal' ? logsNormal(batch) : logsDetailed(batch));
  }

  #writeAll(lines: string[]): void {
    for (const line of lines) this.#write(line);
  }
}
