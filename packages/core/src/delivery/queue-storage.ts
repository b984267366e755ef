import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Acknowledgement } from './acknowledgement.ts';

/** A batch of either signal. */
export type AnyBatch = MetricsBatch | LogsBatch;

/** One batch held by a sending queue; the storage decides what `location` is. */
export interface QueueEntry {
  readonly signal: Signal;
  /** Data points or log records. */
  readonly items: number;
  /** Stored size in bytes: exact for a file queue, estimated in memory (0 when not measured). */
  readonly bytes: number;
  readonly keys: readonly number[];
  /** True when an earlier run of the process may already have sent it: a possible duplicate. */
  readonly redelivery: boolean;
  readonly location: unknown;
  /** In memory only: who waits for this batch to be delivered (settled by the exporter node). */
  readonly acknowledgements?: readonly Acknowledgement[];
}

/** What the queue already knows about a batch it hands to the storage. */
export interface BatchDetails {
  readonly items: number;
  readonly keys: readonly number[];
  /** True when the queue needs the size in bytes (`sizer: bytes`). */
  readonly measure: boolean;
}

/** A batch ready to be stored: its size is known before it takes room in the queue. */
export interface PreparedBatch {
  readonly bytes: number;
  /** Stores the batch; resolves with where it is. Rejects when the storage cannot take it. */
  store(): Promise<unknown>;
}

/**
 * Where a sending queue keeps its batches: in memory, or in files that survive a crash. The
 * queue decides what to send and when; the storage only keeps, reads and forgets.
 */
export interface QueueStorage {
  /** True when what is stored survives a restart. */
  readonly persistent: boolean;
  /** Opens the storage; resolves with the entries an earlier run left, oldest first. */
  open(): Promise<QueueEntry[]>;
  /** Measures a batch (`measure` asks for its size in bytes) and prepares to store it. */
  prepare(signal: Signal, batch: AnyBatch, details: BatchDetails): Promise<PreparedBatch>;
  /** Reads a stored batch back. */
  load(entry: QueueEntry): Promise<AnyBatch>;
  /** Notes that a batch is about to be sent, so a restart knows it may be a duplicate. */
  sending(entry: QueueEntry): Promise<void>;
  /** Forgets a batch: it was sent, given up on, or dropped. */
  remove(entry: QueueEntry): Promise<void>;
  /** Closes files; what is stored stays for the next run. */
  close(): Promise<void>;
}
