import type { Attributes, Metric, NumberDataPoint } from '@wasmpipe/core';
import type { CumulativeSeries } from './cumulative-series.ts';

/** The name, description, unit and shape of one metric. */
export interface MetricDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  /** `counter`: cumulative monotonic sum; `updown`: cumulative non-monotonic sum; `gauge`. */
  readonly kind: 'counter' | 'updown' | 'gauge';
  /** Integer values are sent as OTLP `as_int`. */
  readonly isInteger: boolean;
}

/**
 * Collects the data points of one scrape, metric by metric in first-use order. Counters get their
 * start time from the {@link CumulativeSeries}, so resets and new series are handled in one place.
 */
export class MetricsBuilder {
  readonly #time: bigint;
  readonly #series: CumulativeSeries;
  readonly #metrics = new Map<string, { descriptor: MetricDescriptor; points: NumberDataPoint[] }>();

  constructor(timeUnixNano: bigint, series: CumulativeSeries) {
    this.#time = timeUnixNano;
    this.#series = series;
  }

  /** Adds one point; `undefined` or a non-finite value is skipped (the field was absent). */
  add(descriptor: MetricDescriptor, value: number | undefined, attributes: Attributes = {}): void {
    if (value === undefined || !Number.isFinite(value)) return;
    let entry = this.#metrics.get(descriptor.name);
    if (!entry) {
      entry = { descriptor, points: [] };
      this.#metrics.set(descriptor.name, entry);
    }
    const point: NumberDataPoint = {
      attributes,
      timeUnixNano: this.#time,
      value,
      isInteger: descriptor.isInteger && Number.isInteger(value),
    };
    if (descriptor.kind !== 'gauge') {
      point.startTimeUnixNano = this.#series.startTime(
        descriptor.name,
        attributes,
        value,
        descriptor.kind === 'counter',
      );
    }
    entry.points.push(point);
  }

  /** Adds the increase of a counter since the previous scrape as a point of a delta gauge (see CumulativeSeries.increase). */
  addIncrease(descriptor: MetricDescriptor, total: number | undefined, attributes: Attributes = {}): void {
    if (total === undefined || !Number.isFinite(total)) return;
    this.add(descriptor, this.#series.increase(descriptor.name, attributes, total), attributes);
  }

  /** A mark to roll back to, so that an endpoint that fails half-way leaves no points behind. */
  mark(): Map<string, number> {
    return new Map([...this.#metrics].map(([name, entry]) => [name, entry.points.length]));
  }

  /** Drops every point added since `mark`. */
  rollback(mark: Map<string, number>): void {
    for (const [name, entry] of this.#metrics) {
      const length = mark.get(name);
      if (length === undefined) this.#metrics.delete(name);
      else entry.points.length = length;
    }
  }

  /** The number of data points added so far. */
  get pointCount(): number {
    let count = 0;
    for (const { points } of this.#metrics.values()) count += points.length;
    return count;
  }

  /** The metrics, each with its points. */
  build(): Metric[] {
    const metrics: Metric[] = [];
    for (const { descriptor, points } of this.#metrics.values()) {
      const { name, description, unit } = descriptor;
      metrics.push(
        descriptor.kind === 'gauge'
          ? { name, description, unit, data: { type: 'gauge', dataPoints: points } }
          : {
              name,
              description,
              unit,
              data: {
                type: 'sum',
                aggregationTemporality: 'cumulative',
                isMonotonic: descriptor.kind === 'counter',
                dataPoints: points,
              },
            },
      );
    }
    return metrics;
  }
}
