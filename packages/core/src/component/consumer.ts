import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';

/**
 * Receives batches, one method per signal. After the returned promise settles the caller no
 * longer owns the batch. The promise settles late when downstream is full: that is backpressure.
 */
export interface Consumer {
  consumeMetrics?(batch: MetricsBatch): Promise<void>;
  consumeLogs?(batch: LogsBatch): Promise<void>;
}

/** A consumer that takes both signals. */
export interface FullConsumer {
  consumeMetrics(batch: MetricsBatch): Promise<void>;
  consumeLogs(batch: LogsBatch): Promise<void>;
}
