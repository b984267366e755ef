import { countItems } from '../model/batch.ts';
import type { Signal } from '../model/common.ts';
import type { Acknowledgement } from './acknowledgement.ts';
import type { QueueSizer } from './batch-size.ts';
import type { AnyBatch, QueueEntry, QueueStorage } from './queue-storage.ts';
import { sleep } from './retry.ts';
import { streamKeys } from './stream-keys.ts';

/** What a full queue does with a new batch. */
export type OnFull = 'block' | 'drop_oldest' | 'drop_newest';

/** Why a push did or did not take a batch. */
export type QueuePushResult = 'accepted' | 'refused' | 'closed' | 'failed';

/** A batch handed to a sender, with its entry (needed to release it). */
export type Taken = { entry: QueueEntry; batch: AnyBatch } | { entry: QueueEntry; error: unknown };

/** Settings of a {@link SendingQueue}. */
export interface SendingQueueOptions {
  capacity: number;
  sizer: QueueSizer;
  onFull: OnFull;
  storage: QueueStorage;
  /** Called with each batch `drop_oldest` evicted. */
  onEvicted?(entry: QueueEntry): void;
  /** Called when the storage failed to take a batch (a full disk); `block` then retries. */
  onStorageError?(error: unknown, willRetry: boolean): void;
  /** How often `block` retries a storage that failed. */
  storageRetryMs?: number;
}

/** How many waiting batches a sender looks past to find one whose streams are not in flight. */
const LOOKAHEAD = 64;

/**
 * The sending queue in front of an exporter. It is bounded by `capacity` in the sizer's unit,
 * counting the batches waiting (not those being sent); a batch larger than the whole capacity
 * is taken when nothing waits, so nothing is too big to ever send. When full, `push` waits
 * (`block`), evicts the oldest waiting batches (`drop_oldest`) or refuses the new one
 * (`drop_newest`).
 *
 * Order: batches are handed out oldest first, except that a batch sharing a stream (a resource)
 * with a batch in flight waits for it, and so does every later batch of that stream. Per
 * stream, batches are therefore sent one at a time and in order, retries included, whatever
 * `num_consumers` is; different streams are sent in parallel.
 */
export class SendingQueue {
  readonly capacity: number;
  readonly #options: SendingQueueOptions;
  /** Waiting entries, oldest first; taken ones leave holes until the head passes them. */
  #waiting: Array<QueueEntry | undefined> = [];
  #head = 0;
  #waitingCount = 0;
  /** Room used by waiting batches and by batches being stored. */
  #used = 0;
  /** Stream keys in flight, with how many batches hold each. */
  readonly #inFlight = new Map<number, number>();
  #storing = 0;
  #closed = false;
  #stopped = false;
  #wakeConsumers: Array<() => void> = [];
  #wakeProducers: Array<() => void> = [];
  #opened: Promise<void> | undefined;

  constructor(options: SendingQueueOptions) {
    this.capacity = options.capacity;
    this.#options = options;
  }

  /** Room used, in the sizer's unit (what `wasmpipe.exporter.queue.size` reports). */
  get size(): number {
    return this.#used;
  }

  /** Batches waiting to be sent. */
  get waiting(): number {
    return this.#waitingCount;
  }

  /** True when the storage survives a restart. */
  get persistent(): boolean {
    return this.#options.storage.persistent;
  }

  /** Opens the storage and takes back what an earlier run left. Idempotent. */
  open(): Promise<void> {
    this.#opened ??= (async () => {
      for (const entry of await this.#options.storage.open()) this.#append(entry, false);
    })();
    return this.#opened;
  }

  /**
   * Adds a batch, applying `on_full` when there is no room. `acknowledgements` stay with the
   * entry (in memory) for whoever settles them when the batch leaves.
   */
  async push(
    signal: Signal,
    batch: AnyBatch,
    items = countItems(signal, batch),
    acknowledgements?: readonly Acknowledgement[],
  ): Promise<QueuePushResult> {
    await this.open();
    if (this.#closed) return 'closed';
    const { storage, sizer, onFull } = this.#options;
    const keys = streamKeys(signal, batch);
    const prepared = await storage.prepare(signal, batch, { items, keys, measure: sizer === 'bytes' });
    const size = sizer === 'items' ? items : sizer === 'requests' ? 1 : prepared.bytes;
    for (;;) {
      const room = await this.#makeRoom(size, onFull);
      if (room !== 'accepted') return room;
      this.#used += size;
      this.#storing++;
      try {
        const location = await prepared.store();
        const entry: QueueEntry = { signal, items, bytes: prepared.bytes, keys, redelivery: false, location };
        this.#append(acknowledgements?.length ? { ...entry, acknowledgements } : entry, true);
        return 'accepted';
      } catch (error) {
        this.#used -= size;
        const retry = onFull === 'block' && !this.#closed;
        this.#options.onStorageError?.(error, retry);
        if (!retry) return 'failed';
        await sleep(this.#options.storageRetryMs ?? 1000);
      } finally {
        this.#storing--;
        this.#wakeAll();
      }
    }
  }

  /**
   * Hands out the oldest batch whose streams are not in flight, waiting for one. Resolves
   * undefined once the queue is closed and empty, or stopped.
   */
  async take(): Promise<Taken | undefined> {
    await this.open();
    for (;;) {
      if (this.#stopped) return undefined;
      const entry = this.#nextEligible();
      if (entry) {
        for (const key of entry.keys) this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
        this.#wakeAll();
        try {
          const batch = await this.#options.storage.load(entry);
          await this.#options.storage.sending(entry);
          return { entry, batch };
        } catch (error) {
          return { entry, error };
        }
      }
      if (this.#closed && this.#waitingCount === 0 && this.#storing === 0) return undefined;
      await new Promise<void>((resolve) => this.#wakeConsumers.push(resolve));
    }
  }

  /** Ends a batch's turn: `removed` forgets it (sent, failed, given up), `kept` leaves it stored. */
  async release(entry: QueueEntry, outcome: 'removed' | 'kept'): Promise<void> {
    for (const key of entry.keys) {
      const holders = (this.#inFlight.get(key) ?? 1) - 1;
      if (holders === 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, holders);
    }
    try {
      if (outcome === 'removed') await this.#options.storage.remove(entry);
    } finally {
      this.#wakeAll();
    }
  }

  /** Refuses new batches; batches already queued can still be taken. */
  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  /** Stops handing out batches: every `take` resolves undefined from now on. */
  stop(): void {
    this.#stopped = true;
    this.close();
  }

  /** Removes and returns every waiting batch (to count what an in-memory queue loses at shutdown). */
  async removeWaiting(): Promise<QueueEntry[]> {
    const removed: QueueEntry[] = [];
    for (let entry = this.#shift(); entry !== undefined; entry = this.#shift()) {
      removed.push(entry);
      await this.#options.storage.remove(entry);
    }
    return removed;
  }

  /** Closes the storage; a persistent storage keeps what it holds for the next run. */
  async closeStorage(): Promise<void> {
    if (this.#opened) await this.#opened.catch(() => {});
    await this.#options.storage.close();
  }

  async #makeRoom(size: number, onFull: OnFull): Promise<'accepted' | 'refused' | 'closed'> {
    // Producers already waiting go first.
    if (this.#wakeProducers.length > 0 && onFull === 'block') await this.#waitForRoom();
    for (;;) {
      if (this.#closed) return 'closed';
      if (this.#fits(size)) return 'accepted';
      if (onFull === 'drop_newest') return 'refused';
      if (onFull === 'drop_oldest') {
        while (!this.#fits(size)) {
          const evicted = this.#shift();
          if (!evicted) break;
          this.#options.onEvicted?.(evicted);
          await this.#options.storage.remove(evicted);
        }
        if (this.#closed) return 'closed';
        return 'accepted';
      }
      await this.#waitForRoom();
    }
  }

  #fits(size: number): boolean {
    return this.#used + size <= this.capacity || this.#used === 0;
  }

  #waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => this.#wakeProducers.push(resolve));
  }

  /** Adds an entry at the tail; `reserved` when `push` already took its room. */
  #append(entry: QueueEntry, reserved: boolean): void {
    this.#waiting.push(entry);
    this.#waitingCount++;
    if (!reserved) this.#used += this.#sizeOf(entry);
    this.#wakeAll();
  }

  /** The oldest waiting entry, removed from the queue (for eviction and shutdown). */
  #shift(): QueueEntry | undefined {
    while (this.#head < this.#waiting.length) {
      const entry = this.#waiting[this.#head];
      if (entry !== undefined) {
        this.#removeAt(this.#head);
        return entry;
      }
      this.#head++;
    }
    return undefined;
  }

  #nextEligible(): QueueEntry | undefined {
    let blocked: Set<number> | undefined;
    let seen = 0;
    for (let index = this.#head; index < this.#waiting.length && seen < LOOKAHEAD; index++) {
      const entry = this.#waiting[index];
      if (entry === undefined) continue;
      seen++;
      const free = entry.keys.every((key) => !this.#inFlight.has(key) && !blocked?.has(key));
      if (free) {
        this.#removeAt(index);
        return entry;
      }
      blocked ??= new Set();
      for (const key of entry.keys) blocked.add(key);
    }
    return undefined;
  }

  #removeAt(index: number): void {
    const entry = this.#waiting[index] as QueueEntry;
    this.#waiting[index] = undefined;
    this.#waitingCount--;
    this.#used -= this.#sizeOf(entry);
    while (this.#head < this.#waiting.length && this.#waiting[this.#head] === undefined) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  #sizeOf(entry: QueueEntry): number {
    const { sizer } = this.#options;
    return sizer === 'items' ? entry.items : sizer === 'requests' ? 1 : entry.bytes;
  }

  #wakeAll(): void {
    for (const wake of this.#wakeConsumers.splice(0)) wake();
    for (const wake of this.#wakeProducers.splice(0)) wake();
  }
}
