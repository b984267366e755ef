// Text renderings of a metrics batch at the debug exporter's three verbosities.

import {
  countDataPoints,
  type DataPointBase,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type MetricsBatch,
  type NumberDataPoint,
  type SummaryDataPoint,
} from '@wasmpipe/core';
import { hex } from '../otlp/otlp-json.ts';
import { bracedAttributes, formatAttributes, formatNumber, formatTime } from './format-value.ts';

/** Points shown on one line at `normal` verbosity before the rest are only counted. */
const POINTS_PER_LINE = 10;

/** One line counting what a metrics batch holds. */
export function metricsSummary(batch: MetricsBatch): string {
  let metrics = 0;
  for (const resourceMetrics of batch.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) metrics += scopeMetrics.metrics.length;
  }
  return `Metrics: ${batch.resourceMetrics.length} resource(s), ${metrics} metric(s), ${countDataPoints(batch)} data point(s).`;
}

/** The summary line, then one line per metric with its points condensed. */
export function metricsNormal(batch: MetricsBatch): string[] {
  const lines = [metricsSummary(batch)];
  for (const resourceMetrics of batch.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        const points: { attributes: DataPointBase['attributes'] }[] = metric.data.dataPoints;
        const shown = points.slice(0, POINTS_PER_LINE).map((point) => {
          const attributes = bracedAttributes(point.attributes, false);
          const value = pointValue(metric, point as DataPointBase);
          return attributes === '' ? value : `${attributes} ${value}`;
        });
        const more = points.length > POINTS_PER_LINE ? ` (+${points.length - POINTS_PER_LINE} more)` : '';
        lines.push(`${metric.name} ${describeKind(metric)}: ${shown.join('; ')}${more}`);
      }
    }
  }
  return lines;
}

/** Everything: resources, scopes, metrics and every point with its attributes and exemplars. */
export function metricsDetailed(batch: MetricsBatch): string[] {
  const lines = [metricsSummary(batch)];
  batch.resourceMetrics.forEach((resourceMetrics, resourceIndex) => {
    lines.push(`ResourceMetrics #${resourceIndex}${schema(resourceMetrics.schemaUrl)}`);
    const resource = resourceMetrics.resource;
    lines.push(
      `  Resource: ${formatAttributes(resource.attributes, true) || '-'}${dropped(resource.droppedAttributesCount)}`,
    );
    resourceMetrics.scopeMetrics.forEach((scopeMetrics, scopeIndex) => {
      const scope = scopeMetrics.scope;
      lines.push(
        `  ScopeMetrics #${scopeIndex} ${scope.name || '(unnamed)'}${scope.version ? ` ${scope.version}` : ''}${schema(scopeMetrics.schemaUrl)}`,
      );
      if (scope.attributes && Object.keys(scope.attributes).length > 0) {
        lines.push(
          `    Scope attributes: ${formatAttributes(scope.attributes, true)}${dropped(scope.droppedAttributesCount)}`,
        );
      }
      for (const metric of scopeMetrics.metrics) {
        const description = metric.description ? ` "${metric.description}"` : '';
        lines.push(`    Metric ${metric.name} ${describeKind(metric)}${description}`);
        if (metric.metadata && Object.keys(metric.metadata).length > 0) {
          lines.push(`      Metadata: ${formatAttributes(metric.metadata, true)}`);
        }
        metric.data.dataPoints.forEach((point: DataPointBase, pointIndex: number) => {
          const start = point.startTimeUnixNano === undefined ? '' : ` start=${formatTime(point.startTimeUnixNano)}`;
          const flags = point.flags ? ` flags=${point.flags}` : '';
          const attributes = bracedAttributes(point.attributes, true);
          lines.push(
            `      Point #${pointIndex}${start} time=${formatTime(point.timeUnixNano)} ${pointValue(metric, point, true)}${flags}${attributes ? ` ${attributes}` : ''}`,
          );
          for (const exemplar of point.exemplars ?? []) {
            const trace = exemplar.traceId?.length ? ` trace=${hex(exemplar.traceId)}` : '';
            const span = exemplar.spanId?.length ? ` span=${hex(exemplar.spanId)}` : '';
            const filtered = bracedAttributes(exemplar.filteredAttributes, true);
            lines.push(
              `        Exemplar time=${formatTime(exemplar.timeUnixNano)} value=${exemplar.value}${trace}${span}${filtered ? ` ${filtered}` : ''}`,
            );
          }
        });
      }
    });
  });
  return lines;
}

/** `gauge`, `sum cumulative monotonic`, `histogram delta`, plus the unit. */
function describeKind(metric: Metric): string {
  const data = metric.data;
  const parts: string[] = [data.type];
  if ('aggregationTemporality' in data) parts.push(data.aggregationTemporality);
  if (data.type === 'sum' && data.isMonotonic) parts.push('monotonic');
  if (metric.unit) parts.push(metric.unit);
  return `(${parts.join(', ')})`;
}

function pointValue(metric: Metric, point: DataPointBase, detailed = false): string {
  switch (metric.data.type) {
    case 'gauge':
    case 'sum':
      return formatNumber((point as NumberDataPoint).value);
    case 'histogram': {
      const histogram = point as HistogramDataPoint;
      const base = `count=${histogram.count} sum=${formatNumber(histogram.sum)}`;
      if (!detailed) return base;
      return `${base} min=${formatNumber(histogram.min)} max=${formatNumber(histogram.max)} buckets=${histogramBuckets(histogram)}`;
    }
    case 'exponential_histogram': {
      const exponential = point as ExponentialHistogramDataPoint;
      const base = `count=${exponential.count} sum=${formatNumber(exponential.sum)}`;
      if (!detailed) return base;
      const threshold = exponential.zeroThreshold ? ` zero_threshold=${exponential.zeroThreshold}` : '';
      return (
        `${base} min=${formatNumber(exponential.min)} max=${formatNumber(exponential.max)} scale=${exponential.scale}` +
        ` zero_count=${exponential.zeroCount}${threshold}` +
        ` positive=${exponential.positive.offset}:[${exponential.positive.bucketCounts.join(',')}]` +
        ` negative=${exponential.negative.offset}:[${exponential.negative.bucketCounts.join(',')}]`
      );
    }
    case 'summary': {
      const summary = point as SummaryDataPoint;
      const quantiles = summary.quantileValues.map((quantile) => `q${quantile.quantile}=${quantile.value}`).join(' ');
      return `count=${summary.count} sum=${summary.sum}${quantiles ? ` ${quantiles}` : ''}`;
    }
  }
}

/** Buckets as `le` bounds with their counts: `[≤0.1:1 ≤0.5:2 +Inf:3]`. */
function histogramBuckets(point: HistogramDataPoint): string {
  const parts = point.bucketCounts.map((count, index) => {
    const bound = point.explicitBounds[index];
    return `${bound === undefined ? '+Inf' : `≤${bound}`}:${count}`;
  });
  return `[${parts.join(' ')}]`;
}

function schema(url: string | undefined): string {
  return url ? ` (schema ${url})` : '';
}

function dropped(count: number | undefined): string {
  return count ? ` (dropped ${count})` : '';
}
