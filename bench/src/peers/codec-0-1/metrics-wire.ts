// Benchmark peer: the foundation's codec (contract 0.1.0), copied unchanged from
// packages/host-wapc/src/codec/metrics-wire.ts as it was before contract 0.2.0 replaced it.

// MetricsBatch <-> the contract's tuple tree (before msgpack encoding, after decoding).

import type {
  AggregationTemporality,
  Metric,
  MetricData,
  MetricsBatch,
  MetricType,
  ResourceMetrics,
  ScopeMetrics,
} from '@wasmpipe/core';
import {
  exponentialPointFromWire,
  exponentialPointToWire,
  histogramPointFromWire,
  histogramPointToWire,
  numberPointFromWire,
  numberPointToWire,
  summaryPointFromWire,
  summaryPointToWire,
} from './data-points-wire.ts';
import {
  readAttributes,
  readFlag,
  readList,
  readNumber,
  readOptionalText,
  readText,
  resourceFromWire,
  resourceToWire,
  scopeFromWire,
  scopeToWire,
  wireError,
} from './wire-values.ts';

/** The contract's MetricType codes. */
export const METRIC_TYPE_CODES: Readonly<Record<MetricType, number>> = {
  gauge: 1,
  sum: 2,
  histogram: 3,
  exponential_histogram: 4,
  summary: 5,
};
const METRIC_TYPES = new Map<number, MetricType>(
  Object.entries(METRIC_TYPE_CODES).map(([type, code]) => [code, type as MetricType]),
);
const TEMPORALITY_CODES: Readonly<Record<AggregationTemporality, number>> = { delta: 1, cumulative: 2 };

/** Converts a batch to the tuple tree the contract encodes: [resourceMetrics]. */
export function metricsBatchToWire(batch: MetricsBatch): unknown[] {
  return [batch.resourceMetrics.map(resourceMetricsToWire)];
}

function resourceMetricsToWire(resourceMetrics: ResourceMetrics): unknown[] {
  const { resource, scopeMetrics, schemaUrl } = resourceMetrics;
  return [resourceToWire(resource), scopeMetrics.map(scopeMetricsToWire), schemaUrl];
}

function scopeMetricsToWire(scopeMetrics: ScopeMetrics): unknown[] {
  return [scopeToWire(scopeMetrics.scope), scopeMetrics.metrics.map(metricToWire), scopeMetrics.schemaUrl];
}

function metricToWire(metric: Metric): unknown[] {
  const { data } = metric;
  const temporality = 'aggregationTemporality' in data ? TEMPORALITY_CODES[data.aggregationTemporality] : 0;
  const monotonic = data.type === 'sum' && data.isMonotonic;
  return [
    metric.name,
    metric.description,
    metric.unit,
    METRIC_TYPE_CODES[data.type],
    temporality,
    monotonic,
    pointsToWire(data),
    metric.metadata,
  ];
}

function pointsToWire(data: MetricData): unknown[] {
  switch (data.type) {
    case 'gauge':
    case 'sum':
      return data.dataPoints.map(numberPointToWire);
    case 'histogram':
      return data.dataPoints.map(histogramPointToWire);
    case 'exponential_histogram':
      return data.dataPoints.map(exponentialPointToWire);
    case 'summary':
      return data.dataPoints.map(summaryPointToWire);
  }
}

/** Converts a decoded tuple tree back to a batch, checking every field. */
export function metricsBatchFromWire(value: unknown): MetricsBatch {
  const [resources] = readList(value, 'metrics batch');
  return { resourceMetrics: readList(resources, 'resourceMetrics').map(resourceMetricsFromWire) };
}

function resourceMetricsFromWire(value: unknown): ResourceMetrics {
  const [resource, scopes, schemaUrl] = readList(value, 'resourceMetrics[]');
  const resourceMetrics: ResourceMetrics = {
    resource: resourceFromWire(resource),
    scopeMetrics: readList(scopes, 'scopeMetrics').map(scopeMetricsFromWire),
  };
  const url = readOptionalText(schemaUrl, 'resourceMetrics.schemaUrl');
  if (url !== undefined) resourceMetrics.schemaUrl = url;
  return resourceMetrics;
}

function scopeMetricsFromWire(value: unknown): ScopeMetrics {
  const [scope, metrics, schemaUrl] = readList(value, 'scopeMetrics[]');
  const scopeMetrics: ScopeMetrics = {
    scope: scopeFromWire(scope),
    metrics: readList(metrics, 'metrics').map(metricFromWire),
  };
  const url = readOptionalText(schemaUrl, 'scopeMetrics.schemaUrl');
  if (url !== undefined) scopeMetrics.schemaUrl = url;
  return scopeMetrics;
}

function metricFromWire(value: unknown): Metric {
  const [name, description, unit, typeCode, temporalityCode, monotonic, points, metadata] = readList(value, 'metric');
  const metric: Metric = {
    name: readText(name, 'metric.name'),
    data: dataFromWire(typeCode, temporalityCode, monotonic, points),
  };
  const metricDescription = readOptionalText(description, 'metric.description');
  if (metricDescription !== undefined) metric.description = metricDescription;
  const metricUnit = readOptionalText(unit, 'metric.unit');
  if (metricUnit !== undefined) metric.unit = metricUnit;
  if (metadata != null) metric.metadata = readAttributes(metadata, 'metric.metadata');
  return metric;
}

function dataFromWire(typeCode: unknown, temporalityCode: unknown, monotonic: unknown, points: unknown): MetricData {
  const type = METRIC_TYPES.get(readNumber(typeCode, 'metric.type'));
  const list = readList(points, 'metric.dataPoints');
  const temporality = (): AggregationTemporality => {
    const code = readNumber(temporalityCode, 'metric.temporality');
    if (code === 1) return 'delta';
    if (code === 2) return 'cumulative';
    throw wireError('metric.temporality', '1 (delta) or 2 (cumulative)', code);
  };
  switch (type) {
    case 'gauge':
      return { type, dataPoints: list.map(numberPointFromWire) };
    case 'sum': {
      const isMonotonic = readFlag(monotonic, 'metric.monotonic');
      return { type, aggregationTemporality: temporality(), isMonotonic, dataPoints: list.map(numberPointFromWire) };
    }
    case 'histogram':
      return { type, aggregationTemporality: temporality(), dataPoints: list.map(histogramPointFromWire) };
    case 'exponential_histogram':
      return { type, aggregationTemporality: temporality(), dataPoints: list.map(exponentialPointFromWire) };
    case 'summary':
      return { type, dataPoints: list.map(summaryPointFromWire) };
    default:
      throw wireError('metric.type', 'a MetricType code from 1 to 5', typeCode);
  }
}
