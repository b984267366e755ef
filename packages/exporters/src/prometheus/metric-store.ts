// The state a pull exporter serves between scrapes: one family per Prometheus metric name, one
// series per label set, each with its latest value. Cumulative points replace what is held; delta
// monotonic sums and delta histograms are added up into cumulative ones; what Prometheus cannot
// hold is dropped and counted. Series not updated within `metric_expiration` disappear.

import type {
  Attributes,
  HistogramDataPoint,
  Metric,
  MetricsBatch,
  NumberDataPoint,
  SummaryDataPoint,
} from '@wasmpipe/core';
import { addLabels, labelValue, type NameInput, prometheusMetricName } from './translate.ts';

/** The Prometheus metric types this exporter writes. */
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary';

interface SeriesBase {
  /** Sorted label pairs, without `le` / `quantile`. */
  labels: readonly (readonly [string, string])[];
  /** When the last point arrived (wall clock, ms), for expiry. */
  seenAt: number;
  /** The point's own time, unix nanoseconds. */
  timeUnixNano: bigint;
  startTimeUnixNano: bigint | undefined;
}

/** A counter or gauge series. */
export interface NumberSeries extends SeriesBase {
  kind: 'number';
  value: number;
}

/** A histogram series with cumulative bucket counts per bound. */
export interface HistogramSeries extends SeriesBase {
  kind: 'histogram';
  count: number;
  sum: number | undefined;
  bounds: number[];
  /** Per-bucket (not cumulative) counts, one more than `bounds`; empty when the point had none. */
  buckets: number[];
}

/** A summary series. */
export interface SummarySeries extends SeriesBase {
  kind: 'summary';
  count: number;
  sum: number;
  quantiles: { quantile: number; value: number }[];
}

/** One series of a family. */
export type Series = NumberSeries | HistogramSeries | SummarySeries;

/** A metric family: everything sharing one Prometheus name. */
export interface Family {
  name: string;
  type: FamilyType;
  help: string;
  unit: string | undefined;
  series: Map<string, Series>;
}

/** The `target_info` of one job/instance: the resource attributes as labels. */
export interface Target {
  labels: readonly (readonly [string, string])[];
  seenAt: number;
}

/** How the store names and labels what it holds. */
export interface MetricStoreOptions {
  namespace: string;
  addMetricSuffixes: boolean;
  constLabels: Readonly<Record<string, string>>;
  /** Copy every resource attribute onto every series (`resource_to_telemetry_conversion`). */
  resourceToLabels: boolean;
  expirationMs: number;
}

/** What one `add` left out, by reason, for counting and logging. */
export type Dropped = Map<string, number>;

const RESOURCE_IDENTITY = new Set(['service.name', 'service.namespace', 'service.instance.id']);

/** Holds the latest state of every series for the scrape endpoint. */
export class MetricStore {
  readonly #options: MetricStoreOptions;
  readonly #families = new Map<string, Family>();
  readonly #targets = new Map<string, Target>();

  constructor(options: MetricStoreOptions) {
    this.#options = options;
  }

  /** Takes a batch in; returns the points it could not hold, by reason. */
  add(batch: MetricsBatch, now = Date.now()): Dropped {
    const dropped: Dropped = new Map();
    const drop = (count: number, reason: string) => {
      if (count > 0) dropped.set(reason, (dropped.get(reason) ?? 0) + count);
    };
    for (const resourceMetrics of batch.resourceMetrics) {
      const resource = resourceMetrics.resource.attributes;
      const identity = this.#identity(resource);
      this.#noteTarget(resource, identity, now);
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        const common = new Map<string, string>();
        if (this.#options.resourceToLabels) addLabels(common, resource);
        for (const [name, value] of Object.entries(this.#options.constLabels)) common.set(name, value);
        if (scopeMetrics.scope.name) common.set('otel_scope_name', scopeMetrics.scope.name);
        if (scopeMetrics.scope.version) common.set('otel_scope_version', scopeMetrics.scope.version);
        for (const [name, value] of identity) common.set(name, value);
        for (const metric of scopeMetrics.metrics) this.#addMetric(metric, common, now, drop);
      }
    }
    return dropped;
  }

  /** Drops what expired and returns the families and targets to serve, sorted by name. */
  collect(now = Date.now()): { families: Family[]; targets: Target[] } {
    const oldest = now - this.#options.expirationMs;
    for (const [name, family] of this.#families) {
      for (const [key, series] of family.series) if (series.seenAt < oldest) family.series.delete(key);
      if (family.series.size === 0) this.#families.delete(name);
    }
    for (const [key, target] of this.#targets) if (target.seenAt < oldest) this.#targets.delete(key);
    const families = [...this.#families.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { families, targets: [...this.#targets.values()] };
  }

  /** The number of series held (every family together). */
  get seriesCount(): number {
    let count = 0;
    for (const family of this.#families.values()) count += family.series.size;
    return count;
  }

  /** `job` and `instance` from `service.namespace`/`service.name` and `service.instance.id`. */
  #identity(resource: Attributes): Map<string, string> {
    const identity = new Map<string, string>();
    const name = resource['service.name'];
    const namespace = resource['service.namespace'];
    if (name !== undefined && name !== '') {
      identity.set('job', namespace ? `${labelValue(namespace)}/${labelValue(name)}` : labelValue(name));
    }
    const instance = resource['service.instance.id'];
    if (instance !== undefined && instance !== '') identity.set('instance', labelValue(instance));
    return identity;
  }

  /** Remembers the resource's other attributes as the `target_info` of its job and instance. */
  #noteTarget(resource: Attributes, identity: Map<string, string>, now: number): void {
    const others: Attributes = Object.fromEntries(
      Object.entries(resource).filter(([key]) => !RESOURCE_IDENTITY.has(key)),
    );
    if (Object.keys(others).length === 0) return;
    const labels = new Map<string, string>();
    addLabels(labels, others);
    for (const [name, value] of identity) labels.set(name, value);
    const key = `${identity.get('job') ?? ''}\u0000${identity.get('instance') ?? ''}`;
    this.#targets.set(key, { labels: sortedLabels(labels), seenAt: now });
  }

  #addMetric(
    metric: Metric,
    common: Map<string, string>,
    now: number,
    drop: (count: number, reason: string) => void,
  ): void {
    const data = metric.data;
    const points = data.dataPoints.length;
    let type: FamilyType;
    switch (data.type) {
      case 'gauge':
        type = 'gauge';
        break;
      case 'sum':
        if (data.aggregationTemporality === 'delta' && !data.isMonotonic) {
          drop(points, 'delta non-monotonic sum');
          return;
        }
        type = data.isMonotonic ? 'counter' : 'gauge';
        break;
      case 'histogram':
        type = 'histogram';
        break;
      case 'summary':
        type = 'summary';
        break;
      case 'exponential_histogram':
        drop(points, 'exponential histogram (no text-format equivalent)');
        return;
    }
    const name = prometheusMetricName(
      { name: metric.name, unit: metric.unit, kind: type } satisfies NameInput,
      this.#options.namespace,
      this.#options.addMetricSuffixes,
    );
    let family = this.#families.get(name);
    if (family === undefined) {
      family = { name, type, help: metric.description ?? '', unit: metric.unit, series: new Map() };
      this.#families.set(name, family);
    } else if (family.type !== type) {
      drop(points, `${name} already holds a ${family.type}, not a ${type}`);
      return;
    }
    if (metric.description) family.help = metric.description;
    const delta = 'aggregationTemporality' in data && data.aggregationTemporality === 'delta';
    for (const point of data.dataPoints) {
      const labels = new Map<string, string>();
      addLabels(labels, point.attributes);
      for (const [label, value] of common) labels.set(label, value);
      const sorted = sortedLabels(labels);
      const key = seriesKey(sorted);
      if (point.flags !== undefined && (point.flags & 1) === 1) {
        // No recorded value: the series ends here.
        family.series.delete(key);
        continue;
      }
      const previous = family.series.get(key);
      const base = {
        labels: sorted,
        seenAt: now,
        timeUnixNano: point.timeUnixNano,
        startTimeUnixNano: point.startTimeUnixNano,
      };
      if (previous !== undefined && !delta && point.timeUnixNano < previous.timeUnixNano) {
        drop(1, 'cumulative point older than the one held');
        continue;
      }
      if (data.type === 'histogram') {
        const next = histogramSeries(base, point as HistogramDataPoint);
        if (delta && previous?.kind === 'histogram') {
          if (overlaps(point.startTimeUnixNano, previous)) {
            drop(1, 'delta point overlapping the one before');
            continue;
          }
          addHistogram(next, previous);
        }
        family.series.set(key, next);
      } else if (data.type === 'summary') {
        const summary = point as SummaryDataPoint;
        family.series.set(key, {
          ...base,
          kind: 'summary',
          count: summary.count,
          sum: summary.sum,
          quantiles: [...summary.quantileValues].sort((a, b) => a.quantile - b.quantile),
        });
      } else {
        let value = (point as NumberDataPoint).value;
        if (delta && previous?.kind === 'number') {
          if (overlaps(point.startTimeUnixNano, previous)) {
            drop(1, 'delta point overlapping the one before');
            continue;
          }
          value += previous.value;
          base.startTimeUnixNano = previous.startTimeUnixNano;
        }
        family.series.set(key, { ...base, kind: 'number', value });
      }
    }
  }
}

function histogramSeries(base: Omit<SeriesBase, never>, point: HistogramDataPoint): HistogramSeries {
  return {
    ...base,
    kind: 'histogram',
    count: point.count,
    sum: point.sum,
    bounds: [...point.explicitBounds],
    buckets: [...point.bucketCounts],
  };
}

/** Adds the previous (accumulated) histogram into `next`; with other bounds, `next` starts afresh. */
function addHistogram(next: HistogramSeries, previous: HistogramSeries): void {
  const sameBounds =
    previous.bounds.length === next.bounds.length &&
    previous.bounds.every((bound, index) => bound === next.bounds[index]);
  if (!sameBounds || previous.buckets.length !== next.buckets.length) return;
  next.count += previous.count;
  next.sum = next.sum === undefined || previous.sum === undefined ? undefined : next.sum + previous.sum;
  for (let index = 0; index < next.buckets.length; index++)
    next.buckets[index] = (next.buckets[index] as number) + (previous.buckets[index] as number);
  next.startTimeUnixNano = previous.startTimeUnixNano;
}

/** True when a delta point starts before the previous one ended: a duplicate or out of order. */
function overlaps(start: bigint | undefined, previous: Series): boolean {
  return start !== undefined && start < previous.timeUnixNano;
}

function sortedLabels(labels: Map<string, string>): [string, string][] {
  return [...labels.entries()].filter(([, value]) => value !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function seriesKey(labels: readonly (readonly [string, string])[]): string {
  let key = '';
  for (const [name, value] of labels) key += `${name}\u0001${value}\u0000`;
  return key;
}
