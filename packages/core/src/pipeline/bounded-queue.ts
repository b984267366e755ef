/** What a full queue does with a new item. */
export type FullPolicy = 'block' | 'drop_newest';

/** Why `push` did not take an item. */
export type PushResult = 'accepted' | 'dropped' | 'closed';

/**
 * A bounded first-in-first-out queue between two stages. When it is full, `push` waits for room
 * (backpressure to the producer) or refuses the item, as the policy says. `close` stops new
 * items; the consumer still takes every item already in the queue, so nothing accepted is lost.
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  readonly #policy: FullPolicy;
  #items: T[] = [];
  #head = 0;
  #closed = false;
  /** Producers waiting for room, in arrival order. */
  #waitingForRoom: Array<() => void> = [];
  /** Consumers waiting for an item. */
  #waitingForItem: Array<(item: T | undefined) => void> = [];

  constructor(capacity: number, policy: FullPolicy = 'block') {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`Queue capacity must be a positive integer, got ${capacity}.`);
    this.capacity = capacity;
    this.#policy = policy;
  }

  /** Items waiting to be taken. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an item, waiting for room when full and the policy is `block`. */
  async push(item: T): Promise<PushResult> {
    while (!this.#closed && this.size >= this.capacity) {
      if (this.#policy === 'drop_newest') return 'dropped';
      await new Promise<void>((resolve) => this.#waitingForRoom.push(resolve));
    }
    if (this.#closed) return 'closed';
    const consumer = this.#waitingForItem.shift();
    if (consumer) consumer(item);
    else this.#items.push(item);
    return 'accepted';
  }

  /** Takes the oldest item, waiting for one; undefined once closed and empty. */
  async take(): Promise<T | undefined> {
    if (this.size > 0) {
      const item = this.#items[this.#head] as T;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      this.#waitingForRoom.shift()?.();
      return item;
    }
    if (this.#closed) return undefined;
    return new Promise<T | undefined>((resolve) => this.#waitingForItem.push(resolve));
  }

  /** Refuses new items and wakes everyone waiting; items already queued can still be taken. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of this.#waitingForRoom.splice(0)) wake();
    for (const wake of this.#waitingForItem.splice(0)) wake(undefined);
  }
}
