// Creates and starts a real collector for tests, with a consumer that records batches and a logger
// that records lines. Not part of the public entry.
import assert from 'node:assert/strict';
import {
  type Collector,
  type CollectorDefinition,
  type CreateContext,
  createLogger,
  getPlatform,
  type Metric,
  type MetricsBatch,
  type Problem,
  type Schema,
  Telemetry,
} from '@wasmpipe/core';

/** A started collector, what it pushed and logged, and its self-telemetry. */
export interface CollectorHarness<C extends Collector = Collector> {
  collector: C;
  batches: MetricsBatch[];
  logs: string[];
  telemetry: Telemetry;
  id: string;
  /** Shuts the collector down (also done by {@link shutdownCollectors}). */
  stop(): Promise<void>;
}

const running: Collector[] = [];

/** Shuts down every collector started since the last call; for `afterEach`. */
export async function shutdownCollectors(): Promise<void> {
  await Promise.all(running.splice(0).map((collector) => collector.shutdown?.()));
}

/**
 * Creates a collector from a config as a user writes it (checked by its schema and validator),
 * `initial_delay` 0 unless given, and starts it unless `start` is false.
 */
export async function startCollector<S extends Schema<unknown, unknown>, C extends Collector = Collector>(
  definition: CollectorDefinition<S>,
  input: Record<string, unknown>,
  options: { start?: boolean; consume?: (batch: MetricsBatch) => Promise<void>; configDirectory?: string } = {},
): Promise<CollectorHarness<C>> {
  const problems: Problem[] = [];
  const id = definition.type;
  const platform = getPlatform();
  const config = definition.config.parse({ initial_delay: 0, ...input }, id, problems);
  assert.deepEqual(problems, []);
  const configDirectory = options.configDirectory ?? '.';
  assert.deepEqual((await definition.validate?.(config as never, { path: id, platform, configDirectory })) ?? [], []);
  const batches: MetricsBatch[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (line) => logs.push(line) });
  const telemetry = new Telemetry();
  const context: CreateContext = { id, logger, telemetry: telemetry.forComponent(id), platform, configDirectory };
  const consumer = {
    async consumeMetrics(batch: MetricsBatch) {
      batches.push(batch);
      await options.consume?.(batch);
    },
  };
  const collector = (await definition.create(config as never, context, consumer)) as C;
  running.push(collector);
  if (options.start !== false) await collector.start?.({ platform, logger });
  return { collector, batches, logs, telemetry, id, stop: async () => collector.shutdown?.() };
}

/** Polls until `condition` holds, failing after the timeout (generous: the machine may be loaded). */
export async function waitFor(condition: () => boolean, what = 'the collector', timeoutMillis = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The metrics of a batch, checking it has one resource and one scope. */
export function metricsOf(batch: MetricsBatch | undefined): Metric[] {
  assert.ok(batch);
  assert.equal(batch.resourceMetrics.length, 1);
  assert.equal(batch.resourceMetrics[0]?.scopeMetrics.length, 1);
  return batch.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
}

/** One logged line, parsed (the harness logs JSON). */
export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

/** The logged lines at `level` or above (`warn` gives warn and error). */
export function logLines(harness: { logs: string[] }, level: 'debug' | 'info' | 'warn' | 'error' = 'debug'): LogLine[] {
  const order = ['debug', 'info', 'warn', 'error'];
  return harness.logs
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => order.indexOf(line.level) >= order.indexOf(level));
}
