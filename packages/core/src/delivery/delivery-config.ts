// The delivery options every exporter takes besides its own: `sending_queue` and
// `retry_on_failure`, named as in the OpenTelemetry Collector's exporter helper.

import { joinPath, type Problem } from '../config/problems.ts';
import { isPlainObject, s } from '../config/schema.ts';
import type { QueueSizer } from './batch-size.ts';
import { DEFAULT_RETRY, type RetryConfig } from './retry.ts';
import type { OnFull } from './sending-queue.ts';

/** The sending queue in front of an exporter (the Collector's `sending_queue`). */
export interface SendingQueueConfig {
  /** How much the queue holds before `on_full` applies, in the sizer's unit. */
  queue_size: number;
  /** What `queue_size` counts: items (data points, log records), bytes, or requests (batches). */
  sizer: QueueSizer;
  /** Batches sent at the same time (never two of the same stream). */
  num_consumers: number;
  /** `block` waits for room (backpressure); `drop_oldest` evicts; `drop_newest` refuses. */
  on_full: OnFull;
  /** `memory`, or `file`: a persistent queue in `directory` that survives a crash. */
  storage: 'memory' | 'file';
  /** Where a file queue lives; each exporter gets its own subdirectory. */
  directory: string | undefined;
  /** Flush each write to the disk (survives a power loss, not only a crash); slower. */
  fsync: boolean;
  /** How long shutdown keeps sending what is queued before it stops. */
  drain_timeout: number;
}

/** The default `queue_size` for each sizer. */
export const DEFAULT_QUEUE_SIZE: Record<QueueSizer, number> = {
  items: 100_000,
  bytes: 64 * 1024 * 1024,
  requests: 100,
};

/** The sending queue's defaults. */
export const DEFAULT_SENDING_QUEUE: SendingQueueConfig = {
  queue_size: DEFAULT_QUEUE_SIZE.items,
  sizer: 'items',
  num_consumers: 2,
  on_full: 'block',
  storage: 'memory',
  directory: undefined,
  fsync: false,
  drain_timeout: 10_000,
};

const sendingQueueSchema = s.object({
  queue_size: s.integer({ min: 1 }).optional(),
  sizer: s.enum(['items', 'bytes', 'requests']).default('items'),
  num_consumers: s.integer({ min: 1 }).default(DEFAULT_SENDING_QUEUE.num_consumers),
  on_full: s.enum(['block', 'drop_oldest', 'drop_newest', 'drop']).default('block'),
  storage: s.enum(['memory', 'file']).default('memory'),
  directory: s.string({ nonEmpty: true }).optional(),
  fsync: s.boolean().default(false),
  drain_timeout: s.duration().default('10s'),
});

const retrySchema = s.object({
  enabled: s.boolean().default(DEFAULT_RETRY.enabled),
  initial_interval: s.duration({ min: 1 }).default('5s'),
  max_interval: s.duration({ min: 1 }).default('30s'),
  max_elapsed_time: s.duration().default('300s'),
  multiplier: s.number({ min: 1 }).default(DEFAULT_RETRY.multiplier),
  randomization_factor: s.number({ min: 0, max: 1 }).default(DEFAULT_RETRY.randomization_factor),
});

/** An exporter's delivery options, and its own config with them taken out. */
export interface DeliveryOptions {
  sendingQueue: SendingQueueConfig;
  retry: RetryConfig;
  /** The rest of the exporter's config, for its own schema. */
  rest: unknown;
}

/**
 * Takes `sending_queue` and `retry_on_failure` out of an exporter's config and checks them.
 * A relative `directory` is resolved against `configDirectory`.
 */
export function parseDeliveryOptions(
  body: unknown,
  path: string,
  configDirectory: string,
  problems: Problem[],
): DeliveryOptions {
  if (!isPlainObject(body)) return { sendingQueue: DEFAULT_SENDING_QUEUE, retry: DEFAULT_RETRY, rest: body };
  const { sending_queue: queue, retry_on_failure: retry, ...rest } = body;
  return {
    sendingQueue: parseSendingQueue(queue ?? {}, joinPath(path, 'sending_queue'), configDirectory, problems),
    retry: parseRetry(retry ?? {}, joinPath(path, 'retry_on_failure'), problems),
    rest,
  };
}

function parseSendingQueue(
  value: unknown,
  path: string,
  configDirectory: string,
  problems: Problem[],
): SendingQueueConfig {
  const parsed = sendingQueueSchema.parse(value, path, problems);
  if (!parsed) return DEFAULT_SENDING_QUEUE;
  if (parsed.storage === 'file' && parsed.directory === undefined) {
    problems.push({ path: joinPath(path, 'directory'), message: 'is required when storage is file' });
  }
  if (parsed.storage === 'memory' && parsed.directory !== undefined) {
    problems.push({ path: joinPath(path, 'directory'), message: 'is only used with storage: file' });
  }
  return {
    queue_size: parsed.queue_size ?? DEFAULT_QUEUE_SIZE[parsed.sizer],
    sizer: parsed.sizer,
    num_consumers: parsed.num_consumers,
    // `drop` was the name of `drop_newest` before `drop_oldest` existed; it keeps its meaning.
    on_full: parsed.on_full === 'drop' ? 'drop_newest' : parsed.on_full,
    storage: parsed.storage,
    directory: parsed.directory === undefined ? undefined : resolvePath(configDirectory, parsed.directory),
    fsync: parsed.fsync,
    drain_timeout: parsed.drain_timeout,
  };
}

function parseRetry(value: unknown, path: string, problems: Problem[]): RetryConfig {
  const parsed = retrySchema.parse(value, path, problems);
  if (!parsed) return DEFAULT_RETRY;
  if (parsed.initial_interval > parsed.max_interval) {
    problems.push({
      path: joinPath(path, 'initial_interval'),
      message: `must not be longer than max_interval (${parsed.max_interval}ms), got ${parsed.initial_interval}ms`,
    });
  }
  return parsed;
}

/** `path` if absolute, else joined to `directory`. */
function resolvePath(directory: string, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${directory.replace(/[\\/]+$/, '')}/${path}`;
}
