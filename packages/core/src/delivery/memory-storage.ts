import type { Signal } from '../model/common.ts';
import { estimateBytes } from './batch-size.ts';
import type { AnyBatch, BatchDetails, PreparedBatch, QueueEntry, QueueStorage } from './queue-storage.ts';

/** Keeps batches as they are, in memory: nothing survives the process. */
export class MemoryStorage implements QueueStorage {
  readonly persistent = false;

  async open(): Promise<QueueEntry[]> {
    return [];
  }

  async prepare(_signal: Signal, batch: AnyBatch, details: BatchDetails): Promise<PreparedBatch> {
    return { bytes: details.measure ? estimateBytes(batch) : 0, store: async () => batch };
  }

  async load(entry: QueueEntry): Promise<AnyBatch> {
    return entry.location as AnyBatch;
  }

  async sending(): Promise<void> {}

  async remove(): Promise<void> {}

  async close(): Promise<void> {}
}
