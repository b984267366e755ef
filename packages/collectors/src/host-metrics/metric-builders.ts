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
