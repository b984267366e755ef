import type { Attributes } from '@wasmpipe/core';

interface Series {
  start: bigint;
  value: number;
  seen: number;
}

/**
 * Start times of cumulative series across scrapes. A series seen at the first scrape starts when
 * the collector started; one that appears later (a new upstream peer) starts at the previous
 * scrape, the last moment it was known not to exist; a value that went down (nginx restarted, a
 * zone was re-created) is a reset and starts again at the previous scrape. Series absent from a
 * scrape are forgotten, so a returning peer counts as new.
 */
export class CumulativeSeries {
  readonly #series = new Map<string, Series>();
  readonly #collectorStart: bigint;
  #previousScrape: bigint | undefined;
  #scrape = 0;
  #resets = 0;

  constructor(collectorStartUnixNano: bigint) {
    this.#collectorStart = collectorStartUnixNano;
  }

  /** How many resets were seen so far (for tests and debugging). */
  get resets(): number {
    return this.#resets;
  }

  /**
   * The start time for `value` of the series `name` + `attributes` in the scrape under way. Only a
   * monotonic series can reset; an up-down sum going down is just a change.
   */
  startTime(name: string, attributes: Attributes, value: number, monotonic = true): bigint {
    const key = seriesKey(name, attributes);
    const known = this.#series.get(key);
    const fallback = this.#previousScrape ?? this.#collectorStart;
    if (known === undefined) {
      this.#series.set(key, { start: fallback, value, seen: this.#scrape });
      return fallback;
    }
    if (monotonic && value < known.value) {
      known.start = fallback;
      this.#resets++;
    }
    known.value = value;
    known.seen = this.#scrape;
    return known.start;
  }

  /**
   * The increase of a counter since the previous scrape, for delta gauges such as
   * `nginx.http.request.count`: undefined at the first scrape (nothing to compare with), the whole
   * value for a series new since then (it started after the previous scrape), and after a reset
   * the new value.
   */
  increase(name: string, attributes: Attributes, value: number): number | undefined {
    const key = seriesKey(name, attributes);
    const known = this.#series.get(key);
    if (known === undefined) {
      this.#series.set(key, { start: this.#previousScrape ?? this.#collectorStart, value, seen: this.#scrape });
      return this.#previousScrape === undefined ? undefined : value;
    }
    const increase = value >= known.value ? value - known.value : value;
    known.value = value;
    known.seen = this.#scrape;
    return increase;
  }

  /**
   * Ends a successful scrape taken at `timeUnixNano`: forgets series it did not report, unless
   * `complete` is false (part of the source failed, so an absent series may still exist).
   */
  endScrape(timeUnixNano: bigint, complete = true): void {
    if (complete) for (const [key, series] of this.#series) if (series.seen !== this.#scrape) this.#series.delete(key);
    this.#previousScrape = timeUnixNano;
    this.#scrape++;
  }
}

/** A stable key for a metric name and its attributes (attribute order does not matter). */
export function seriesKey(name: string, attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return name;
  keys.sort();
  let key = name;
  for (const attribute of keys) key += `\u0000${attribute}\u0001${String(attributes[attribute])}`;
  return key;
}
