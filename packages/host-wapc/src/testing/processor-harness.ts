// Starts a `wasm` processor the way the service does, with a logger, telemetry and a downstream
// that record everything, and a dead-letter exporter consumer, for the processor's tests.

import type { Meter } from '@opentelemetry/api';
import {
  type Consumer,
  countItems,
  createLogger,
  getPlatform,
  type LogsBatch,
  type MetricsBatch,
  type Problem,
  type Processor,
  type ProcessorContext,
  type Signal,
  Telemetry,
} from '@wasmpipe/core';
import { wasmProcessor } from '../processor/definition.ts';

/** A running processor and what it produced. */
export interface Harness {
  processor: Processor;
  /** Batches handed downstream. */
  received: (MetricsBatch | LogsBatch)[];
  /** Batches handed to the dead-letter exporter, by exporter id. */
  deadLetters: Map<string, (MetricsBatch | LogsBatch)[]>;
  lines: string[];
  telemetry: Telemetry;
  /** A counter of this processor. */
  count(name: string): number;
  /** Sends a batch in and returns the items it held, so a test can check nothing went uncounted. */
  send(batch: MetricsBatch | LogsBatch): Promise<number>;
  /** Items received downstream so far. */
  outgoing(): number;
}

/** Parses a `wasm` processor config as the config compiler would. */
export function parseWasmConfig(input: unknown, id = 'wasm/test') {
  const problems: Problem[] = [];
  const config = wasmProcessor.config.parse(input, `processors.${id}`, problems);
  return { config, problems };
}

/** Options of {@link startProcessor}. */
export interface HarnessOptions {
  signal?: Signal;
  directory: string;
  id?: string;
  meter?: Meter;
}

/** Creates and starts a `wasm` processor; the caller shuts it down. */
export async function startProcessor(input: Record<string, unknown>, options: HarnessOptions): Promise<Harness> {
  const id = options.id ?? 'wasm/test';
  const signal = options.signal ?? 'metrics';
  // A shared, loaded machine can stall any call past the 1s default: tests that are not about
  // timeouts get a generous one, so a slow moment is not mistaken for a failure.
  const generous = input['timeout'] === undefined && input['workers'] !== 0 ? { timeout: '30s' } : {};
  const { config, problems } = parseWasmConfig({ ...generous, ...input }, id);
  if (!config || problems.length > 0) throw new Error(`Bad test config: ${JSON.stringify(problems)}`);
  const telemetry = new Telemetry(options.meter);
  const lines: string[] = [];
  const received: (MetricsBatch | LogsBatch)[] = [];
  const deadLetters = new Map<string, (MetricsBatch | LogsBatch)[]>();
  const recorder = (into: (MetricsBatch | LogsBatch)[]): Consumer => ({
    consumeMetrics: async (batch) => void into.push(batch),
    consumeLogs: async (batch) => void into.push(batch),
  });
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line), fields: { 'component.id': id } });
  const context: ProcessorContext = {
    id,
    signal,
    logger,
    telemetry: telemetry.forComponent(id),
    platform: getPlatform(),
    configDirectory: options.directory,
    exporter: async (exporterId) => {
      const batches: (MetricsBatch | LogsBatch)[] = [];
      deadLetters.set(exporterId, batches);
      return recorder(batches);
    },
  };
  const processor = await wasmProcessor.create(config, context, recorder(received));
  await processor.start?.({ platform: context.platform, logger });
  const items = (batch: MetricsBatch | LogsBatch) => countItems(signal, batch as MetricsBatch & LogsBatch);
  return {
    processor,
    received,
    deadLetters,
    lines,
    telemetry,
    count: (name) => telemetry.value(id, name, signal),
    async send(batch) {
      const held = items(batch);
      if (signal === 'metrics') await processor.consumeMetrics?.(batch as MetricsBatch);
      else await processor.consumeLogs?.(batch as LogsBatch);
      return held;
    },
    outgoing: () => received.reduce((sum, batch) => sum + items(batch), 0),
  };
}
