import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { HistogramDataPoint, Metric, NumberDataPoint } from '@wasmpipe/core';
import type { AccessLogMetricName } from './metadata.ts';
import { AccessLogAggregator } from './metrics.ts';
import { AccessLogParser } from './parse-access-log.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const lines = (name: string) =>
  fixture(name)
    .split('\n')
    .filter((line) => line !== '');

function aggregate(format: string, logName: string, enabled: (name: AccessLogMetricName) => boolean = () => true) {
  const parser = new AccessLogParser(format);
  const aggregator = new AccessLogAggregator(parser.format.variables, enabled, 7n);
  for (const line of lines(logName)) if (parser.scan(line)) aggregator.observe(line, parser.offsets);
  return aggregator;
}

const named = (metrics: Metric[], name: string) => {
  const metric = metrics.find((candidate) => candidate.name === name);
  if (!metric) throw new Error(`No ${name} among ${metrics.map((m) => m.name).join(', ')}`);
  return metric;
};
const numberPoints = (metric: Metric) =>
  (metric.data.dataPoints as NumberDataPoint[]).map((point) => ({ ...point.attributes, value: point.value }));
const histogram = (metric: Metric) => {
  const point = metric.data.dataPoints[0] as HistogramDataPoint;
  return { count: point.count, sum: Number(point.sum?.toFixed(6)), min: point.min, max: point.max };
};
const byValue = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;

describe('AccessLogAggregator on the captured custom-format log (18 requests)', () => {
  const aggregator = aggregate(fixture('custom20.conf'), 'custom20.log');
  const metrics = aggregator.collect(100n);

  it('counts responses by status range in the interval, every range present', () => {
    assert.deepEqual(numberPoints(named(metrics, 'nginx.http.response.count')), [
      { 'nginx.status_range': '1xx', value: 0 },
      { 'nginx.status_range': '2xx', value: 10 },
      { 'nginx.status_range': '3xx', value: 0 },
      { 'nginx.status_range': '4xx', value: 3 },
      { 'nginx.status_range': '5xx', value: 5 },
    ]);
    assert.equal(named(metrics, 'nginx.http.response.count').data.type, 'gauge');
  });

  it('counts responses by status code, method and protocol version, cumulatively', () => {
    const metric = named(metrics, 'nginx.http.response.status');
    assert.deepEqual(metric.data.type === 'sum' && metric.data.aggregationTemporality, 'cumulative');
    const get = { 'http.request.method': 'GET' };
    const expected = [
      {
        'http.response.status_code': 200,
        'nginx.status_range': '2xx',
        ...get,
        'network.protocol.version': '1.1',
        value: 6,
      },
      {
        'http.response.status_code': 200,
        'nginx.status_range': '2xx',
        ...get,
        'network.protocol.version': '1.0',
        value: 3,
      },
      {
        'http.response.status_code': 200,
        'nginx.status_range': '2xx',
        'http.request.method': '_OTHER',
        'network.protocol.version': '1.1',
        value: 1,
      },
      {
        'http.response.status_code': 404,
        'nginx.status_range': '4xx',
        'http.request.method': 'POST',
        'network.protocol.version': '1.1',
        value: 1,
      },
      { 'http.response.status_code': 400, 'nginx.status_range': '4xx', 'http.request.method': '_OTHER', value: 2 },
      {
        'http.response.status_code': 502,
        'nginx.status_range': '5xx',
        ...get,
        'network.protocol.version': '1.1',
        value: 4,
      },
      {
        'http.response.status_code': 504,
        'nginx.status_range': '5xx',
        ...get,
        'network.protocol.version': '1.1',
        value: 1,
      },
    ];
    assert.deepEqual(numberPoints(metric).sort(byValue), expected.sort(byValue));
    assert.ok((metric.data.dataPoints as NumberDataPoint[]).every((point) => point.startTimeUnixNano === 7n));
  });

  it('fills histograms: request time, and one observation per upstream attempt', () => {
    assert.deepEqual(histogram(named(metrics, 'nginx.http.request.time')), {
      count: 18,
      sum: 1.002,
      min: 0,
      max: 1.002,
    });
    assert.deepEqual(histogram(named(metrics, 'nginx.upstream.connect.time')), {
      count: 3,
      sum: 0.001,
      min: 0,
      max: 0.001,
    });
    assert.deepEqual(histogram(named(metrics, 'nginx.upstream.header.time')), {
      count: 2,
      sum: 0.001,
      min: 0,
      max: 0.001,
    });
    assert.deepEqual(histogram(named(metrics, 'nginx.upstream.response.time')), {
      count: 9,
      sum: 1.002,
      min: 0,
      max: 1.001,
    });
    assert.deepEqual(histogram(named(metrics, 'nginx.http.gzip.ratio')), { count: 1, sum: 1.33, min: 1.33, max: 1.33 });
    const time = named(metrics, 'nginx.http.request.time').data.dataPoints[0] as HistogramDataPoint;
    assert.equal(time.bucketCounts[0], 17, 'seventeen requests took at most 5 ms');
    assert.equal(time.bucketCounts[10], 1, 'one took between 1 s and 2.5 s');
    assert.equal(histogram(named(metrics, 'nginx.http.request.body_bytes_sent')).count, 18);
  });

  it('counts upstream requests, retries to the next server, upstream statuses and cache outcomes', () => {
    assert.deepEqual(numberPoints(named(metrics, 'nginx.upstream.request.count')), [{ value: 7 }]);
    assert.deepEqual(numberPoints(named(metrics, 'nginx.upstream.next.count')), [{ value: 2 }]);
    assert.deepEqual(numberPoints(named(metrics, 'nginx.upstream.response.status')), [
      { 'nginx.status_range': '2xx', value: 2 },
      { 'nginx.status_range': '5xx', value: 7 },
    ]);
    assert.deepEqual(numberPoints(named(metrics, 'nginx.cache.responses')), [
      { 'nginx.cache.outcome': 'HIT', value: 1 },
      { 'nginx.cache.outcome': 'MISS', value: 1 },
    ]);
  });

  it('names the metrics the format cannot feed', () => {
    assert.deepEqual(aggregator.unavailable, ['nginx.upstream.response.length']);
  });

  it('starts a new interval for the response count and keeps the cumulative sums', () => {
    const next = aggregator.collect(200n);
    assert.deepEqual(
      numberPoints(named(next, 'nginx.http.response.count')).map((point) => point.value),
      [0, 0, 0, 0, 0],
    );
    assert.equal(
      numberPoints(named(next, 'nginx.http.response.status')).reduce((sum, point) => sum + point.value, 0),
      18,
    );
  });
});

describe('AccessLogAggregator on combined', () => {
  it('emits only what combined can feed, and what is enabled', () => {
    const aggregator = aggregate('combined', 'combined.log', (name) => name !== 'nginx.http.response.status');
    const names = aggregator.collect(1n).map((metric) => metric.name);
    assert.deepEqual(names, ['nginx.http.response.count', 'nginx.http.request.body_bytes_sent']);
  });
});
