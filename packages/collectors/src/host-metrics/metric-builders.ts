import { type Attributes, type Metric, type NumberDataPoint, s } from '@wasmpipe/core';

/** The description, unit and shape of one metric, as in the contrib receiver's metadata. */
export interface MetricDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly type: 'cumulative_sum' | 'gauge';
  /** Only for sums. */
  readonly monotonic?: boolean;
  readonly isInteger: boolean;
  readonly enabledByDefault: boolean;
}

/** The config of one metric: `metrics: { <name>: { enabled: true } }`. */
export function metricToggle(enabledByDefault: boolean) {
  return s.object({ enabled: s.boolean().default(enabledByDefault) }).default({});
}

/** One data point; cumulative sums get the boot time as start time, gauges none. */
export function dataPoint(
  descriptor: MetricDescriptor,
  value: number,
  attributes: Attributes,
  timeUnixNano: bigint,
  startTimeUnixNano: bigint,
): NumberDataPoint {
  const point: NumberDataPoint = { attributes, timeUnixNano, value, isInteger: descriptor.isInteger };
  if (descriptor.type === 'cumulative_sum') point.startTimeUnixNano = startTimeUnixNano;
  return point;
}

/** Wraps data points in a metric of the descriptor's type. */
export function buildMetric(descriptor: MetricDescriptor, dataPoints: NumberDataPoint[]): Metric {
  const { name, description, unit } = descriptor;
  if (descriptor.type === 'gauge') return { name, description, unit, data: { type: 'gauge', dataPoints } };
  return {
    name,
    description,
    unit,
    data: { type: 'sum', aggregationTemporality: 'cumulative', isMonotonic: descriptor.monotonic ?? false, dataPoints },
  };
}

type Toggle = ReturnType<typeof metricToggle>;

/** The `metrics:` option of a scraper: one `{ enabled }` toggle per metric, keyed by metric name. */
export function metricsOption<const D extends Record<string, MetricDescriptor>>(descriptors: D) {
  const shape = Object.fromEntries(
    Object.values(descriptors).map((descriptor) => [descriptor.name, metricToggle(descriptor.enabledByDefault)]),
  ) as { [K in keyof D as D[K]['name']]: Toggle };
  // Every key has a default, so an empty map is a valid input.
  return s.object(shape).default({} as never);
}

/**
 * Collects the data points of one scrape, metric by metric, and builds the metrics in the order
 * they were first recorded. Disabled metrics record nothing; a metric without points is left out.
 */
export class MetricRecorder {
  readonly #enabled: Readonly<Record<string, { enabled: boolean }>>;
  readonly #timeUnixNano: bigint;
  readonly #startTimeUnixNano: bigint | undefined;
  readonly #points = new Map<MetricDescriptor, NumberDataPoint[]>();

  /** `startTimeUnixNano` is the start of every cumulative sum recorded without its own. */
  constructor(
    enabled: Readonly<Record<string, { enabled: boolean }>>,
    timeUnixNano: bigint,
    startTimeUnixNano?: bigint,
  ) {
    this.#enabled = enabled;
    this.#timeUnixNano = timeUnixNano;
    this.#startTimeUnixNano = startTimeUnixNano;
  }

  /** True when the metric is switched on. */
  enabled(descriptor: MetricDescriptor): boolean {
    return this.#enabled[descriptor.name]?.enabled ?? descriptor.enabledByDefault;
  }

  /** Records one point if the metric is on; `startTimeUnixNano` is ignored for gauges. */
  record(
    descriptor: MetricDescriptor,
    value: number,
    attributes: Attributes,
    startTimeUnixNano = this.#startTimeUnixNano,
  ): void {
    if (!this.enabled(descriptor)) return;
    if (startTimeUnixNano === undefined && descriptor.type === 'cumulative_sum') {
      throw new Error(`No start time for the cumulative sum ${descriptor.name}.`);
    }
    let points = this.#points.get(descriptor);
    if (!points) {
      points = [];
      this.#points.set(descriptor, points);
    }
    points.push(dataPoint(descriptor, value, attributes, this.#timeUnixNano, startTimeUnixNano ?? 0n));
  }

  /** The recorded metrics. */
  metrics(): Metric[] {
    return [...this.#points].map(([descriptor, points]) => buildMetric(descriptor, points));
  }
}
