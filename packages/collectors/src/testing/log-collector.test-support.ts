// Starts a log-tailing collector for tests from a config as a user writes it, with a consumer that
// records what it receives. Not part of the public entry.
import assert from 'node:assert/strict';
import {
  type Attributes,
  type Collector,
  type CollectorDefinition,
  type CreateContext,
  createLogger,
  getPlatform,
  type LogRecord,
  type LogsBatch,
  type Metric,
  type MetricsBatch,
  type Problem,
  type Schema,
  Telemetry,
} from '@wasmpipe/core';

/** A started collector and everything it produced. */
export interface LogCollectorHarness<C extends Collector> {
  collector: C;
  records: LogRecord[];
  metricBatches: Metric[][];
  /** The resource attributes of every batch, logs and metrics. */
  resources: Attributes[];
  logs: string[];
  telemetry: Telemetry;
  /** A self-metric of the collector (`wasmpipe.tail.lines`, `wasmpipe.collector.unparsed`...). */
  counter(name: string): number;
}

/** Parses `input` with the definition's schema (failing the test on problems), creates and starts it. */
export async function startLogCollector<C extends Collector>(
  definition: CollectorDefinition<Schema<unknown, unknown>>,
  input: Record<string, unknown>,
  options: { id?: string; signals?: ('logs' | 'metrics')[]; configDirectory?: string } = {},
): Promise<LogCollectorHarness<C>> {
  const id = options.id ?? definition.type;
  const problems: Problem[] = [];
  const config = definition.config.parse(input, id, problems);
  assert.deepEqual(problems, []);
  const platform = getPlatform();
  const extra = await definition.validate?.(config, {
    path: id,
    platform,
    configDirectory: options.configDirectory ?? '/',
  });
  assert.deepEqual(extra ?? [], []);
  const records: LogRecord[] = [];
  const metricBatches: Metric[][] = [];
  const resources: Attributes[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const telemetry = new Telemetry();
  const context: CreateContext = {
    id,
    logger,
    telemetry: telemetry.forComponent(id),
    platform,
    configDirectory: options.configDirectory ?? '/',
  };
  const signals = options.signals ?? ['logs', 'metrics'];
  const consumer = {
    consumeLogs: signals.includes('logs')
      ? async (batch: LogsBatch) => {
          for (const resource of batch.resourceLogs) {
            resources.push(resource.resource.attributes);
            for (const scope of resource.scopeLogs) records.push(...scope.logRecords);
          }
        }
      : undefined,
    consumeMetrics: signals.includes('metrics')
      ? async (batch: MetricsBatch) => {
          resources.push(...batch.resourceMetrics.map((resource) => resource.resource.attributes));
          metricBatches.push(batch.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)));
        }
      : undefined,
  };
  const collector = (await definition.create(config, context, consumer)) as C;
  await collector.start?.({ platform, logger });
  return {
    collector,
    records,
    metricBatches,
    resources,
    logs,
    telemetry,
    counter: (name) => telemetry.value(id, name),
  };
}

/** Polls until `condition` holds, failing after the timeout (generous: the machine is shared). */
export async function waitFor(condition: () => boolean, what: string, timeoutMillis = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
