// Bounds the requests a receiver hands to its pipeline at once. A request that finds every slot
// taken waits up to `maxWaitMs` for one, then is refused, so a slow or blocked pipeline turns into
// 429 / RESOURCE_EXHAUSTED answers instead of memory growing without bound.

/** A semaphore with a bounded wait. */
export class Admission {
  readonly #slots: number;
  readonly #maxWaitMs: number;
  #taken = 0;
  readonly #waiting: { grant: () => void; timer: ReturnType<typeof setTimeout> }[] = [];

  constructor(slots: number, maxWaitMs: number) {
    this.#slots = slots;
    this.#maxWaitMs = maxWaitMs;
  }

  /** Slots in use. */
  get inUse(): number {
    return this.#taken;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves true with a slot (give it back with `release`), or false when none freed up in time. */
  acquire(): Promise<boolean> {
    if (this.#taken < this.#slots) {
      this.#taken++;
      return Promise.resolve(true);
    }
    if (this.#maxWaitMs === 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const entry = {
        grant: () => {
          clearTimeout(entry.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          const index = this.#waiting.indexOf(entry);
          if (index >= 0) this.#waiting.splice(index, 1);
          resolve(false);
        }, this.#maxWaitMs),
      };
      this.#waiting.push(entry);
    });
  }

  /** Gives a slot back; the longest waiting request gets it. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next.grant();
    else this.#taken--;
  }
}
