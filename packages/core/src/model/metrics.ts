import type { Attributes, InstrumentationScope, Resource } from './common.ts';

/** How a sum or histogram accumulates over time (OTLP `AggregationTemporality`). */
export type AggregationTemporality = 'delta' | 'cumulative';

/** A sample of a measured value at a point in time, with its own attributes. */
export interface Exemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint;
  value: number;
  isInteger?: boolean;
  spanId?: Uint8Array;
  traceId?: Uint8Array;
}

/** Fields every data point shares. Timestamps are unix nanoseconds. */
export interface DataPointBase {
  attributes: Attributes;
  /** When the cumulative series started; absent for gauges. */
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  /** OTLP `DataPointFlags`; bit 0 means "no recorded value". */
  flags?: number;
  exemplars?: Exemplar[];
}

/** One value of a gauge or sum. */
export interface NumberDataPoint extends DataPointBase {
  value: number;
  /** Sent as OTLP `as_int` when true, `as_double` otherwise. */
  isInteger?: boolean;
}

/** One explicit-bucket histogram observation set. */
export interface HistogramDataPoint extends DataPointBase {
  count: number;
  sum?: number;
  /** One more entry than `explicitBounds`. */
  bucketCounts: number[];
  explicitBounds: number[];
  min?: number;
  max?: number;
}

/** One side (positive or negative) of an exponential histogram. */
export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

/** One base-2 exponential histogram observation set. */
export interface ExponentialHistogramDataPoint extends DataPointBase {
  count: number;
  sum?: number;
  scale: number;
  zeroCount: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  min?: number;
  max?: number;
  zeroThreshold?: number;
}

/** A quantile of a summary. */
export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

/** One summary observation set (legacy Prometheus summaries). */
export interface SummaryDataPoint extends DataPointBase {
  count: number;
  sum: number;
  quantileValues: ValueAtQuantile[];
}

/** A gauge: the last sampled value of something. */
export interface GaugeData {
  type: 'gauge';
  dataPoints: NumberDataPoint[];
}

/** A sum: a counter or up-down counter. */
export interface SumData {
  type: 'sum';
  aggregationTemporality: AggregationTemporality;
  isMonotonic: boolean;
  dataPoints: NumberDataPoint[];
}

/** An explicit-bucket histogram. */
export interface HistogramData {
  type: 'histogram';
  aggregationTemporality: AggregationTemporality;
  dataPoints: HistogramDataPoint[];
}

/** A base-2 exponential histogram. */
export interface ExponentialHistogramData {
  type: 'exponential_histogram';
  aggregationTemporality: AggregationTemporality;
  dataPoints: ExponentialHistogramDataPoint[];
}

/** A summary. */
export interface SummaryData {
  type: 'summary';
  dataPoints: SummaryDataPoint[];
}

/** The data of a metric, discriminated by `type`. */
export type MetricData = GaugeData | SumData | HistogramData | ExponentialHistogramData | SummaryData;

/** The kinds of metric data. */
export type MetricType = MetricData['type'];

/** A named metric with its data points. */
export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  data: MetricData;
  metadata?: Attributes;
}

/** Metrics produced by one scope. */
export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
  schemaUrl?: string;
}

/** Metrics produced by one resource. */
export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl?: string;
}

/** A batch of metrics, the unit handed between components. */
export interface MetricsBatch {
  resourceMetrics: ResourceMetrics[];
}
