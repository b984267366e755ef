import type { Consumer } from '../component/consumer.ts';
import { defineProcessor, type Processor } from '../component/define.ts';
import { s } from '../config/schema.ts';
import {
  type Acknowledgement,
  acknowledgementsOf,
  failAll,
  holdAll,
  releaseAll,
  withAcknowledgements,
} from '../delivery/acknowledgement.ts';
import { errorMessage } from '../errors/errors.ts';
import { countDataPoints, countLogRecords } from '../model/batch.ts';
import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import { StateChangeLog } from '../pipeline/state-change-log.ts';
import type { Counter } from '../telemetry/telemetry.ts';

const batchConfig = s.object({
  send_batch_size: s
    .integer({ min: 1 })
    .default(8192)
    .describe('Items (data points or log records) that make a batch go out at once.'),
  timeout: s
    .duration({ min: 1 })
    .default('200ms')
    .describe('How long a partial batch waits before it goes out anyway.'),
});

/**
 * Buffers what it receives and sends it on in batches of at least `send_batch_size` items, or
 * after `timeout` when fewer arrived. Batches are merged by concatenating their resource lists,
 * so nothing is copied. Shutdown sends what is buffered. The acknowledgements of the batches it
 * buffers are held while they wait and travel with the batch they are merged into.
 */
export const batchProcessor = defineProcessor({
  type: 'batch',
  description: 'Groups records into larger batches by size and time, as the Collector batch processor does.',
  signals: ['metrics', 'logs'],
  config: batchConfig,
  mutatesData: false,
  create(config, context, next) {
    const dropped = context.telemetry.counter('wasmpipe.processor.dropped', context.signal);
    return new Batcher(
      context.signal,
      config.send_batch_size,
      config.timeout,
      next,
      new StateChangeLog(context.logger),
      dropped,
    );
  },
});

class Batcher implements Processor {
  readonly #signal: Signal;
  readonly #size: number;
  readonly #timeout: number;
  readonly #next: Consumer;
  readonly #health: StateChangeLog;
  readonly #dropped: Counter;
  #resources: MetricsBatch['resourceMetrics'] | LogsBatch['resourceLogs'] = [];
  #items = 0;
  /** The acknowledgements of what is buffered, one held reference each. */
  #acknowledgements: Acknowledgement[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Flushes run one after another, so batches leave in the order they arrived. */
  #flushing: Promise<void> = Promise.resolve();

  constructor(signal: Signal, size: number, timeout: number, next: Consumer, health: StateChangeLog, dropped: Counter) {
    this.#health = health;
    this.#dropped = dropped;
    this.#signal = signal;
    this.#size = size;
    this.#timeout = timeout;
    this.#next = next;
  }

  consumeMetrics(batch: MetricsBatch): Promise<void> {
    return this.#add(batch.resourceMetrics, countDataPoints(batch), acknowledgementsOf(batch));
  }

  consumeLogs(batch: LogsBatch): Promise<void> {
    return this.#add(batch.resourceLogs, countLogRecords(batch), acknowledgementsOf(batch));
  }

  async shutdown(): Promise<void> {
    await this.#flush();
  }

  #add(
    resources: MetricsBatch['resourceMetrics'] | LogsBatch['resourceLogs'],
    items: number,
    acknowledgements: readonly Acknowledgement[],
  ): Promise<void> {
    if (items === 0) return Promise.resolve();
    holdAll(acknowledgements);
    this.#acknowledgements.push(...acknowledgements);
    (this.#resources as unknown[]).push(...resources);
    this.#items += items;
    if (this.#items >= this.#size) return this.#flush();
    this.#timer ??= setTimeout(() => void this.#flush(), this.#timeout);
    return Promise.resolve();
  }

  /**
   * Sends the buffer downstream; resolves when downstream took it (backpressure). A batch that
   * downstream refuses is counted as dropped here and logged once per state change: the
   * producers were told it was accepted when it entered the buffer.
   */
  #flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#items === 0) return this.#flushing;
    const resources = this.#resources;
    const items = this.#items;
    const acknowledgements = this.#acknowledgements;
    this.#resources = [];
    this.#items = 0;
    this.#acknowledgements = [];
    const send = async (): Promise<void> => {
      try {
        if (this.#signal === 'metrics') {
          const batch = { resourceMetrics: resources as MetricsBatch['resourceMetrics'] };
          await this.#next.consumeMetrics?.(withAcknowledgements(batch, acknowledgements));
        } else {
          const batch = { resourceLogs: resources as LogsBatch['resourceLogs'] };
          await this.#next.consumeLogs?.(withAcknowledgements(batch, acknowledgements));
        }
        releaseAll(acknowledgements);
        this.#health.succeeded('Batches are handed on again.');
      } catch (error) {
        failAll(acknowledgements, error);
        this.#dropped.add(items);
        this.#health.failed('A batch was refused downstream and dropped; further drops are counted.', {
          items,
          error: errorMessage(error),
        });
      }
    };
    this.#flushing = this.#flushing.then(send);
    return this.#flushing;
  }
}
