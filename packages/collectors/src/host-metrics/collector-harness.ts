// Starts the real host_metrics collector for tests, with a consumer that records batches.
import assert from 'node:assert/strict';
import {
  type Collector,
  type CreateContext,
  createLogger,
  getPlatform,
  type Metric,
  type MetricsBatch,
  type Platform,
  type Problem,
  Telemetry,
} from '@wasmpipe/core';
import { hostMetricsCollector } from './factory.ts';

/** A started collector, the batches it pushed and the lines it logged. */
export interface Harness {
  collector: Collector;
  batches: MetricsBatch[];
  logs: string[];
}

const running: Collector[] = [];

/** Shuts down every collector started since the last call; for `afterEach`. */
export async function shutdownAll(): Promise<void> {
  await Promise.all(running.splice(0).map((collector) => collector.shutdown?.()));
}

/** Creates and starts the collector from a config as a user writes it, `initial_delay` 0 unless given. */
export async function startCollector(
  input: Record<string, unknown>,
  options: { platform?: Platform; consume?: (batch: MetricsBatch) => Promise<void> } = {},
): Promise<Harness> {
  const problems: Problem[] = [];
  const config = hostMetricsCollector.config.parse({ initial_delay: 0, ...input }, 'host_metrics', problems);
  assert.deepEqual(problems, []);
  const batches: MetricsBatch[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const platform = options.platform ?? getPlatform();
  const context: CreateContext = {
    id: 'host_metrics',
    logger,
    telemetry: new Telemetry().forComponent('host_metrics'),
    platform,
    configDirectory: '.',
  };
  const consumer = {
    async consumeMetrics(batch: MetricsBatch) {
      batches.push(batch);
      await options.consume?.(batch);
    },
  };
  const collector = await hostMetricsCollector.create(config!, context, consumer);
  running.push(collector);
  await collector.start?.({ platform, logger });
  return { collector, batches, logs };
}

/** Polls until `condition` holds, failing after the timeout. */
export async function waitFor(condition: () => boolean, timeoutMillis = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the collector.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `millis`. */
export const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** The metrics of a batch, checking it has one resource and one scope. */
export function metricsOf(batch: MetricsBatch): Metric[] {
  assert.equal(batch.resourceMetrics.length, 1);
  assert.equal(batch.resourceMetrics[0]?.scopeMetrics.length, 1);
  return batch.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
}
