import type { Attributes, HistogramDataPoint } from '@wasmpipe/core';

/** Bucket bounds for times in seconds: the semantic conventions' advice for HTTP durations. */
export const SECONDS_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** Bucket bounds for sizes in bytes: powers of 4 from 64 B to 64 MiB, and 0. */
export const BYTES_BOUNDS = [0, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Bucket bounds for compression ratios. */
export const RATIO_BOUNDS = [1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20];

/** A cumulative explicit-bucket histogram being filled. */
export class HistogramAccumulator {
  readonly #bounds: readonly number[];
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length + 1);
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  /** Adds one observation. A value equal to a bound falls in the bucket that bound closes (OTLP's rule). */
  record(value: number): void {
    const bounds = this.#bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++;
    this.#counts[bucket] = (this.#counts[bucket] as number) + 1;
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  /** The data point of everything recorded so far. */
  dataPoint(attributes: Attributes, startTimeUnixNano: bigint, timeUnixNano: bigint): HistogramDataPoint {
    const point: HistogramDataPoint = {
      attributes,
      startTimeUnixNano,
      timeUnixNano,
      count: this.#count,
      sum: this.#sum,
      bucketCounts: Array.from(this.#counts),
      explicitBounds: [...this.#bounds],
    };
    if (this.#count > 0) {
      point.min = this.#min;
      point.max = this.#max;
    }
    return point;
  }
}
