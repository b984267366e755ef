import type { FullConsumer } from '../component/consumer.ts';
import type { Exporter, Host } from '../component/define.ts';
import { errorMessage, isRetryable } from '../errors/errors.ts';
import { countDataPoints, countLogRecords } from '../model/batch.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ComponentTelemetry, Counter } from '../telemetry/telemetry.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { StateChangeLog } from './state-change-log.ts';

/** The sending queue in front of an exporter (the Collector's `sending_queue`). */
export interface SendingQueueConfig {
  /** Batches the queue holds before `on_full` applies. */
  queue_size: number;
  /** Batches sent at the same time. */
  num_consumers: number;
  /** `block` waits for room (backpressure); `drop` refuses the batch and counts it. */
  on_full: 'block' | 'drop';
}

/** The sending queue's defaults. */
export const DEFAULT_SENDING_QUEUE: SendingQueueConfig = { queue_size: 100, num_consumers: 2, on_full: 'block' };

type Job =
  | { signal: 'metrics'; batch: MetricsBatch; items: number }
  | { signal: 'logs'; batch: LogsBatch; items: number };

interface SignalCounters {
  sent: Counter;
  sendFailed: Counter;
  enqueueFailed: Counter;
}

/**
 * Runs one exporter behind a bounded queue and `num_consumers` senders. Counts what was sent,
 * failed or refused, and logs a failure once when the exporter starts failing and once when it
 * recovers, never once per batch. Shutdown drains the queue before the exporter closes.
 */
export class ExporterNode implements FullConsumer {
  readonly id: string;
  readonly #exporter: Exporter;
  readonly #queue: BoundedQueue<Job>;
  readonly #settings: SendingQueueConfig;
  readonly #logger: Logger;
  readonly #counters: Record<'metrics' | 'logs', SignalCounters>;
  readonly #health: StateChangeLog;
  #senders: Promise<void>[] = [];
  #stopped: Promise<void> | undefined;

  constructor(
    id: string,
    exporter: Exporter,
    settings: SendingQueueConfig,
    logger: Logger,
    telemetry: ComponentTelemetry,
  ) {
    this.id = id;
    this.#exporter = exporter;
    this.#settings = settings;
    this.#logger = logger;
    this.#queue = new BoundedQueue<Job>(settings.queue_size, settings.on_full === 'drop' ? 'drop_newest' : 'block');
    const countersFor = (signal: 'metrics' | 'logs'): SignalCounters => ({
      sent: telemetry.counter('wasmpipe.exporter.sent', signal),
      sendFailed: telemetry.counter('wasmpipe.exporter.send_failed', signal),
      enqueueFailed: telemetry.counter('wasmpipe.exporter.enqueue_failed', signal),
    });
    this.#counters = { metrics: countersFor('metrics'), logs: countersFor('logs') };
    telemetry.gauge('wasmpipe.exporter.queue.size', () => this.#queue.size);
    telemetry.gauge('wasmpipe.exporter.queue.capacity', () => this.#queue.capacity);
    this.#health = new StateChangeLog(logger);
  }

  /** Starts the exporter, then its senders. */
  async start(host: Host): Promise<void> {
    await this.#exporter.start?.(host);
    for (let index = 0; index < this.#settings.num_consumers; index++) this.#senders.push(this.#send());
  }

  /** Queues a metrics batch for sending. */
  consumeMetrics(batch: MetricsBatch): Promise<void> {
    return this.#enqueue({ signal: 'metrics', batch, items: countDataPoints(batch) });
  }

  /** Queues a logs batch for sending. */
  consumeLogs(batch: LogsBatch): Promise<void> {
    return this.#enqueue({ signal: 'logs', batch, items: countLogRecords(batch) });
  }

  /** Stops taking batches, sends everything queued, then shuts the exporter down. */
  shutdown(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#queue.close();
      await Promise.all(this.#senders);
      await this.#exporter.shutdown?.();
    })();
    return this.#stopped;
  }

  async #enqueue(job: Job): Promise<void> {
    if (job.items === 0) return;
    const result = await this.#queue.push(job);
    if (result === 'accepted') return;
    this.#counters[job.signal].enqueueFailed.add(job.items);
    const reason = result === 'closed' ? 'the exporter is shutting down' : 'the sending queue is full';
    this.#logger.warn(`Dropped a batch because ${reason}.`, { signal: job.signal, items: job.items });
  }

  async #send(): Promise<void> {
    for (let job = await this.#queue.take(); job !== undefined; job = await this.#queue.take()) {
      const counters = this.#counters[job.signal];
      try {
        if (job.signal === 'metrics') await this.#exportMetrics(job.batch);
        else await this.#exportLogs(job.batch);
        counters.sent.add(job.items);
        this.#health.succeeded('Exporting works again.');
      } catch (error) {
        counters.sendFailed.add(job.items);
        this.#health.failed(
          'Exporting failed; the batch was dropped. Further failures are counted, not logged, until it works again.',
          {
            signal: job.signal,
            items: job.items,
            retryable: isRetryable(error),
            error: errorMessage(error),
          },
        );
      }
    }
  }

  #exportMetrics(batch: MetricsBatch): Promise<void> {
    if (!this.#exporter.exportMetrics) throw new Error(`Exporter ${this.id} does not accept metrics.`);
    return this.#exporter.exportMetrics(batch);
  }

  #exportLogs(batch: LogsBatch): Promise<void> {
    if (!this.#exporter.exportLogs) throw new Error(`Exporter ${this.id} does not accept logs.`);
    return this.#exporter.exportLogs(batch);
  }
}
