import type { FullConsumer } from '../component/consumer.ts';
import type { Exporter, Host } from '../component/define.ts';
import {
  type Acknowledgement,
  acknowledgementsOf,
  failAll,
  lostError,
  releaseAll,
} from '../delivery/acknowledgement.ts';
import { createQueueStorage } from '../delivery/create-storage.ts';
import { DEFAULT_SENDING_QUEUE, type SendingQueueConfig } from '../delivery/delivery-config.ts';
import type { AnyBatch, QueueEntry } from '../delivery/queue-storage.ts';
import { Backoff, DEFAULT_RETRY, type RetryConfig, sleep } from '../delivery/retry.ts';
import { SendingQueue, type Taken } from '../delivery/sending-queue.ts';
import { errorMessage, isRetryable, WasmpipeError } from '../errors/errors.ts';
import { countDataPoints, countLogRecords } from '../model/batch.ts';
import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Platform } from '../platform/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ComponentTelemetry, Counter } from '../telemetry/telemetry.ts';
import { StateChangeLog } from './state-change-log.ts';

export { DEFAULT_SENDING_QUEUE, type SendingQueueConfig };

/** What an exporter node needs besides its queue settings. */
export interface ExporterNodeOptions {
  retry?: RetryConfig;
  /** Needed by `storage: file`. */
  platform?: Platform;
}

interface SignalCounters {
  sent: Counter;
  sendFailed: Counter;
  enqueueFailed: Counter;
  redelivered: Counter;
}

/**
 * Runs one exporter behind a sending queue and `num_consumers` senders. A retryable failure is
 * retried with exponential backoff (`retry_on_failure`), holding its place in its stream; a
 * permanent one, or one past `max_elapsed_time`, is dropped and counted. A failure is logged
 * once when exporting starts to fail and once when it recovers, never once per batch.
 *
 * Shutdown stops new batches, interrupts backoff waits, keeps sending what is queued for up to
 * `drain_timeout`, then aborts requests in flight. What is left is counted as failed (memory)
 * or stays in the queue's files for the next start (`storage: file`).
 */
export class ExporterNode implements FullConsumer {
  readonly id: string;
  readonly #exporter: Exporter;
  readonly #queue: SendingQueue;
  readonly #settings: SendingQueueConfig;
  readonly #retry: RetryConfig;
  readonly #logger: Logger;
  readonly #counters: Record<Signal, SignalCounters>;
  readonly #storageHealth: StateChangeLog;
  /** True from the first failure to the next success; a failure is logged only when it turns true. */
  #failing = false;
  /** True once a dropped batch was logged in this failing period. */
  #lossLogged = false;
  /** Aborts requests in flight once the drain time is over. */
  readonly #abort = new AbortController();
  /** Interrupts backoff waits when shutdown begins. */
  readonly #shutdownBegun = new AbortController();
  #senders: Promise<void>[] = [];
  #started = false;
  #stopped: Promise<void> | undefined;

  constructor(
    id: string,
    exporter: Exporter,
    settings: SendingQueueConfig,
    logger: Logger,
    telemetry: ComponentTelemetry,
    options: ExporterNodeOptions = {},
  ) {
    this.id = id;
    this.#exporter = exporter;
    this.#settings = settings;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#logger = logger;
    const countersFor = (signal: Signal): SignalCounters => ({
      sent: telemetry.counter('wasmpipe.exporter.sent', signal),
      sendFailed: telemetry.counter('wasmpipe.exporter.send_failed', signal),
      enqueueFailed: telemetry.counter('wasmpipe.exporter.enqueue_failed', signal),
      redelivered: telemetry.counter('wasmpipe.exporter.redelivered', signal),
    });
    this.#counters = { metrics: countersFor('metrics'), logs: countersFor('logs') };
    this.#storageHealth = new StateChangeLog(logger);
    this.#queue = new SendingQueue({
      capacity: settings.queue_size,
      sizer: settings.sizer,
      onFull: settings.on_full,
      storage: createQueueStorage(id, settings, options.platform, logger),
      onEvicted: (entry) => this.#countEvicted(entry),
      onStorageError: (error, willRetry) =>
        this.#storageHealth.failed(
          willRetry
            ? 'The sending queue cannot store batches; collectors wait until it can. Retrying every second.'
            : 'The sending queue cannot store batches; they are dropped and counted until it can again.',
          { error: errorMessage(error) },
        ),
    });
    telemetry.gauge('wasmpipe.exporter.queue.size', () => this.#queue.size);
    telemetry.gauge('wasmpipe.exporter.queue.capacity', () => this.#queue.capacity);
  }

  /** Starts the exporter, opens the queue (taking back what a file queue kept), then the senders. */
  async start(host: Host): Promise<void> {
    await this.#exporter.start?.(host);
    await this.#queue.open();
    if (this.#queue.waiting > 0) {
      this.#logger.info('The sending queue kept batches from the previous run; sending them first.', {
        batches: this.#queue.waiting,
      });
    }
    this.#started = true;
    for (let index = 0; index < this.#settings.num_consumers; index++) this.#senders.push(this.#send());
  }

  /** Queues a metrics batch for sending. */
  consumeMetrics(batch: MetricsBatch): Promise<void> {
    return this.#enqueue('metrics', batch, countDataPoints(batch));
  }

  /** Queues a logs batch for sending. */
  consumeLogs(batch: LogsBatch): Promise<void> {
    return this.#enqueue('logs', batch, countLogRecords(batch));
  }

  /**
   * The consumer pipelines hand batches to: like this node's own, but it also settles the
   * acknowledgements a batch carries (one reference each): released when the batch was sent
   * (in memory) or stored (`storage: file`, whose files take over the responsibility), failed
   * when it was dropped, refused, evicted, given up or left unsent at shutdown. The plain
   * `consume*` methods (a dead-letter route) leave acknowledgements alone.
   */
  readonly acknowledging: FullConsumer = {
    consumeMetrics: (batch) => this.#enqueue('metrics', batch, countDataPoints(batch), acknowledgementsOf(batch)),
    consumeLogs: (batch) => this.#enqueue('logs', batch, countLogRecords(batch), acknowledgementsOf(batch)),
  };

  /** Stops taking batches, sends what is queued within `drain_timeout`, then shuts the exporter down. */
  shutdown(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#queue.close();
      this.#shutdownBegun.abort();
      const deadline = setTimeout(() => {
        this.#queue.stop();
        this.#abort.abort(new WasmpipeError('The exporter is shutting down.', { retryable: true }));
      }, this.#settings.drain_timeout);
      try {
        await Promise.all(this.#senders);
      } finally {
        clearTimeout(deadline);
      }
      if (this.#started) await this.#settleLeftovers();
      await this.#queue.closeStorage();
      await this.#exporter.shutdown?.();
    })();
    return this.#stopped;
  }

  async #enqueue(
    signal: Signal,
    batch: AnyBatch,
    items: number,
    acknowledgements: readonly Acknowledgement[] = [],
  ): Promise<void> {
    if (items === 0) return releaseAll(acknowledgements);
    const persistent = this.#queue.persistent;
    let result: Awaited<ReturnType<SendingQueue['push']>>;
    try {
      result = await this.#queue.push(signal, batch, items, persistent ? undefined : acknowledgements);
    } catch (error) {
      failAll(acknowledgements, lostError(this.id, 'the sending queue failed', error));
      throw error;
    }
    if (result === 'accepted') {
      if (persistent) releaseAll(acknowledgements);
      this.#storageHealth.succeeded('The sending queue stores batches again.');
      return;
    }
    this.#counters[signal].enqueueFailed.add(items);
    const reason =
      result === 'closed'
        ? 'the exporter is shutting down'
        : result === 'failed'
          ? 'the sending queue could not store it'
          : 'the sending queue is full';
    failAll(acknowledgements, lostError(this.id, reason));
    if (result === 'failed') return; // counted; logged once by onStorageError
    this.#logger.warn(`Dropped a batch because ${reason}.`, { signal, items });
  }

  async #send(): Promise<void> {
    for (let taken = await this.#queue.take(); taken !== undefined; taken = await this.#queue.take()) {
      const outcome = await this.#deliver(taken);
      await this.#queue.release(taken.entry, outcome).catch((error: unknown) => {
        this.#logger.error('The sending queue could not record a sent batch; it may be sent again.', {
          error: errorMessage(error),
        });
      });
    }
  }

  /** Sends one batch, retrying as configured; says whether the queue may forget it. */
  async #deliver(taken: Taken): Promise<'removed' | 'kept'> {
    const { entry } = taken;
    if ('error' in taken) {
      this.#lose(entry, 'The sending queue could not read a batch back; it was dropped.', taken.error);
      return 'removed';
    }
    const backoff = new Backoff(this.#retry);
    for (let attempt = 1; ; attempt++) {
      if (this.#abort.signal.aborted) return this.#leave(entry, this.#abort.signal.reason);
      let failure: unknown;
      try {
        await this.#export(entry.signal, taken.batch);
        this.#counters[entry.signal].sent.add(entry.items);
        if (entry.redelivery) this.#counters[entry.signal].redelivered.add(entry.items);
        if (entry.acknowledgements) releaseAll(entry.acknowledgements);
        this.#succeeded(attempt);
        return 'removed';
      } catch (error) {
        failure = error;
      }
      if (!isRetryable(failure)) {
        this.#lose(entry, 'Exporting failed with a permanent error; the batch was dropped.', failure);
        return 'removed';
      }
      if (this.#shutdownBegun.signal.aborted) return this.#leave(entry, failure);
      if (!this.#retry.enabled) {
        this.#lose(entry, 'Exporting failed and retry_on_failure is disabled; the batch was dropped.', failure);
        return 'removed';
      }
      const retryAfterMs = WasmpipeError.isInstance(failure) ? failure.retryAfterMs : undefined;
      const wait = backoff.next(retryAfterMs);
      if (wait === undefined) {
        const elapsed = Math.round(backoff.elapsed / 1000);
        this.#lose(entry, `Exporting failed for ${elapsed}s, past max_elapsed_time; the batch was dropped.`, failure);
        return 'removed';
      }
      if (!this.#failing) {
        this.#failing = true;
        this.#logger.warn(
          'Exporting failed; retrying with backoff. Further failures are counted, not logged, until it works again.',
          { signal: entry.signal, items: entry.items, 'retry.in_ms': wait, error: errorMessage(failure) },
        );
      }
      await sleep(wait, this.#shutdownBegun.signal);
    }
  }

  /** Sends, giving up when shutdown aborts, even if the exporter does not watch the signal. */
  #export(signal: Signal, batch: AnyBatch): Promise<void> {
    const abort = this.#abort.signal;
    const options = { signal: abort };
    const sending =
      signal === 'metrics'
        ? this.#exporter.exportMetrics
          ? this.#exporter.exportMetrics(batch as MetricsBatch, options)
          : Promise.reject(new WasmpipeError(`Exporter ${this.id} does not accept metrics.`))
        : this.#exporter.exportLogs
          ? this.#exporter.exportLogs(batch as LogsBatch, options)
          : Promise.reject(new WasmpipeError(`Exporter ${this.id} does not accept logs.`));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(abort.reason);
      abort.addEventListener('abort', onAbort, { once: true });
      sending.then(resolve, reject).finally(() => abort.removeEventListener('abort', onAbort));
    });
  }

  /**
   * A batch that failed while shutting down: a file queue keeps it for the next start; an
   * in-memory queue loses it. Either way, stop sending: the endpoint is not taking batches.
   */
  #leave(entry: QueueEntry, error: unknown): 'removed' | 'kept' {
    this.#queue.stop();
    if (this.#queue.persistent) return 'kept';
    this.#lose(entry, 'Exporting failed during shutdown; the batch was dropped.', error);
    return 'removed';
  }

  #succeeded(attempts: number): void {
    if (!this.#failing) return;
    this.#failing = false;
    this.#lossLogged = false;
    this.#logger.info('Exporting works again.', { attempts });
  }

  /** Counts a dropped batch; logs the first drop of a failing period only. */
  #lose(entry: QueueEntry, message: string, error: unknown): void {
    this.#counters[entry.signal].sendFailed.add(entry.items);
    if (entry.acknowledgements) failAll(entry.acknowledgements, lostError(this.id, message, error));
    this.#failing = true;
    if (this.#lossLogged) return;
    this.#lossLogged = true;
    this.#logger.error(`${message} Further drops are counted, not logged, until exporting works again.`, {
      signal: entry.signal,
      items: entry.items,
      error: errorMessage(error),
    });
  }

  #countEvicted(entry: QueueEntry): void {
    this.#counters[entry.signal].enqueueFailed.add(entry.items);
    if (entry.acknowledgements) failAll(entry.acknowledgements, lostError(this.id, 'evicted by a full queue'));
    this.#logger.debug('The sending queue is full; dropped its oldest batch.', {
      signal: entry.signal,
      items: entry.items,
    });
  }

  /** After the senders stopped: count what an in-memory queue loses, or say what a file queue keeps. */
  async #settleLeftovers(): Promise<void> {
    if (this.#queue.persistent) {
      if (this.#queue.waiting > 0) {
        this.#logger.info('Batches left in the sending queue stay on disk for the next start.', {
          batches: this.#queue.waiting,
        });
      }
      return;
    }
    const left = await this.#queue.removeWaiting();
    if (left.length === 0) return;
    const items: Record<Signal, number> = { metrics: 0, logs: 0 };
    for (const entry of left) {
      items[entry.signal] += entry.items;
      if (entry.acknowledgements) failAll(entry.acknowledgements, lostError(this.id, 'left unsent at shutdown'));
    }
    for (const signal of ['metrics', 'logs'] as const) this.#counters[signal].sendFailed.add(items[signal]);
    this.#logger.error('Shutdown ended before the sending queue was empty; the batches left were dropped.', {
      batches: left.length,
      'items.metrics': items.metrics,
      'items.logs': items.logs,
    });
  }
}
