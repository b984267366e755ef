/**
 * Keeps the start time of per-device cumulative counters (a disk, a network interface) across
 * scrapes, and moves it only when the counters reset. A device seen at the first scrape starts at
 * boot, as in the contrib receiver. A device that appears later (a new interface, a re-attached
 * disk), or whose counters went backwards (the device was re-created, a driver reset them), starts
 * at the previous scrape: its counting began somewhere between that scrape and this one, and a
 * start time must not be later than the first point. A device that vanishes is forgotten.
 */
export class StartTimes {
  readonly #series = new Map<string, { start: bigint; counters: readonly number[]; seenAt: bigint }>();
  #previousScrape: bigint | undefined;
  #currentScrape: bigint | undefined;

  /** Begins a scrape at `timeUnixNano`; call once per scrape before `startOf`. */
  beginScrape(timeUnixNano: bigint): void {
    this.#previousScrape = this.#currentScrape;
    this.#currentScrape = timeUnixNano;
  }

  /**
   * The start time of `key`'s counters, given their values now. `firstSeenStart` is used when
   * the key is seen at the first scrape (the boot time).
   */
  startOf(key: string, counters: readonly number[], firstSeenStart: bigint): bigint {
    const now = this.#currentScrape ?? 0n;
    const known = this.#series.get(key);
    const restart = this.#previousScrape ?? firstSeenStart;
    if (!known) {
      const start = this.#previousScrape === undefined ? firstSeenStart : restart;
      this.#series.set(key, { start, counters, seenAt: now });
      return start;
    }
    if (counters.some((value, index) => value < (known.counters[index] ?? 0))) known.start = restart;
    known.counters = counters;
    known.seenAt = now;
    return known.start;
  }

  /** Forgets every key not seen in the current scrape; call once per scrape after the last `startOf`. */
  endScrape(): void {
    for (const [key, series] of this.#series) if (series.seenAt !== this.#currentScrape) this.#series.delete(key);
  }
}
