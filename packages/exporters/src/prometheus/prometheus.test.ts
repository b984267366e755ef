import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPlatform, type MetricsBatch, type Problem } from '@wasmpipe/core';
import { createTestContext } from '../testing/create-context.ts';
import { type PrometheusConfig, prometheusConfig } from './config.ts';
import { PrometheusExporter } from './exporter.ts';
import { negotiateFormat, writeExposition } from './exposition.ts';
import { MetricStore } from './metric-store.ts';

const T0 = 1_700_000_000_000_000_000n;
const T1 = T0 + 10_000_000_000n;
const T2 = T1 + 10_000_000_000n;

function configOf(input: Record<string, unknown> = {}): PrometheusConfig {
  const problems: Problem[] = [];
  const config = prometheusConfig.parse({ endpoint: '127.0.0.1:0', ...input }, 'exporters.prometheus', problems);
  assert.deepEqual(problems, []);
  return config as PrometheusConfig;
}

function exporterFor(input: Record<string, unknown> = {}) {
  const { context, lines, telemetry } = createTestContext('prometheus');
  return { exporter: new PrometheusExporter(configOf(input), context), lines, telemetry };
}

/** One resource (service "shop", instance "i-1", region "eu") with one scope of metrics. */
function batch(metrics: MetricsBatch['resourceMetrics'][number]['scopeMetrics'][number]['metrics']): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: {
            'service.name': 'shop',
            'service.namespace': 'prod',
            'service.instance.id': 'i-1',
            'cloud.region': 'eu',
          },
        },
        scopeMetrics: [{ scope: { name: 'meter', version: '1.0' }, metrics }],
      },
    ],
  };
}

const everyType = (time: bigint, delta: number): MetricsBatch =>
  batch([
    {
      name: 'http.requests',
      description: 'Requests served.',
      unit: '{request}',
      data: {
        type: 'sum',
        aggregationTemporality: 'cumulative',
        isMonotonic: true,
        dataPoints: [
          {
            attributes: { 'http.method': 'GET' },
            startTimeUnixNano: T0,
            timeUnixNano: time,
            value: 10 + delta,
            isInteger: true,
          },
        ],
      },
    },
    {
      name: 'queue.size',
      data: {
        type: 'sum',
        aggregationTemporality: 'cumulative',
        isMonotonic: false,
        dataPoints: [{ attributes: {}, timeUnixNano: time, value: -2 }],
      },
    },
    {
      name: 'cpu.utilization',
      unit: '1',
      data: { type: 'gauge', dataPoints: [{ attributes: { cpu: 0 }, timeUnixNano: time, value: 0.25 }] },
    },
    {
      name: 'http.duration',
      unit: 's',
      data: {
        type: 'histogram',
        aggregationTemporality: 'cumulative',
        dataPoints: [
          {
            attributes: { route: '/a"b' },
            startTimeUnixNano: T0,
            timeUnixNano: time,
            count: 6,
            sum: 2.5,
            bucketCounts: [1, 2, 3],
            explicitBounds: [0.1, 1],
          },
        ],
      },
    },
    {
      name: 'rpc.latency',
      unit: 'ms',
      data: {
        type: 'summary',
        dataPoints: [
          {
            attributes: {},
            timeUnixNano: time,
            count: 4,
            sum: 40,
            quantileValues: [
              { quantile: 0.99, value: 30 },
              { quantile: 0.5, value: 9 },
            ],
          },
        ],
      },
    },
    {
      name: 'bytes.sent',
      unit: 'By',
      data: {
        type: 'sum',
        aggregationTemporality: 'delta',
        isMonotonic: true,
        dataPoints: [{ attributes: {}, startTimeUnixNano: time - 10_000_000_000n, timeUnixNano: time, value: 100 }],
      },
    },
  ]);

describe('prometheus exposition', () => {
  test('the text format 0.0.4: counters, gauges, histograms, summaries, target_info, job and instance', async () => {
    const { exporter } = exporterFor();
    await exporter.exportMetrics(everyType(T1, 0));
    const { contentType, body } = exporter.scrape(null);
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    const labels = 'instance="i-1",job="prod/shop",otel_scope_name="meter",otel_scope_version="1.0"';
    assert.equal(
      body,
      [
        '# TYPE bytes_sent_total counter',
        `bytes_sent_total{${labels}} 100`,
        '# TYPE cpu_utilization_ratio gauge',
        `cpu_utilization_ratio{cpu="0",${labels}} 0.25`,
        '# TYPE http_duration_seconds histogram',
        `http_duration_seconds_bucket{${labels},route="/a\\"b",le="0.1"} 1`,
        `http_duration_seconds_bucket{${labels},route="/a\\"b",le="1"} 3`,
        `http_duration_seconds_bucket{${labels},route="/a\\"b",le="+Inf"} 6`,
        `http_duration_seconds_sum{${labels},route="/a\\"b"} 2.5`,
        `http_duration_seconds_count{${labels},route="/a\\"b"} 6`,
        '# HELP http_requests_total Requests served.',
        '# TYPE http_requests_total counter',
        `http_requests_total{http_method="GET",${labels}} 10`,
        '# TYPE queue_size gauge',
        `queue_size{${labels}} -2`,
        '# TYPE rpc_latency_milliseconds summary',
        `rpc_latency_milliseconds{${labels},quantile="0.5"} 9`,
        `rpc_latency_milliseconds{${labels},quantile="0.99"} 30`,
        `rpc_latency_milliseconds_sum{${labels}} 40`,
        `rpc_latency_milliseconds_count{${labels}} 4`,
        '# HELP target_info Target metadata',
        '# TYPE target_info gauge',
        'target_info{cloud_region="eu",instance="i-1",job="prod/shop"} 1',
        '',
      ].join('\n'),
    );
  });

  test('OpenMetrics 1.0 when the Accept header asks: counter families without _total, UNIT, info, EOF', async () => {
    const { exporter } = exporterFor({ send_timestamps: true });
    await exporter.exportMetrics(everyType(T1, 0));
    const prometheusAccept =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const { contentType, body } = exporter.scrape(prometheusAccept);
    assert.equal(contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    const lines = body.split('\n');
    assert.ok(lines.includes('# TYPE http_requests counter'));
    assert.ok(lines.includes('# HELP http_requests Requests served.'));
    assert.ok(
      lines.some(
        (line) => line.startsWith('http_requests_total{http_method="GET",') && line.endsWith(' 10 1700000010'),
      ),
    );
    assert.ok(lines.includes('# TYPE http_duration_seconds histogram'));
    assert.ok(lines.includes('# UNIT http_duration_seconds seconds'));
    assert.ok(lines.includes('# TYPE bytes_sent counter'));
    assert.ok(
      !lines.some((line) => line.startsWith('# UNIT bytes_sent ')),
      'no UNIT when the name does not end with it',
    );
    assert.ok(lines.includes('# TYPE target info'));
    assert.deepEqual(lines.slice(-2), ['# EOF', '']);
    // The text format with timestamps in milliseconds.
    assert.match(exporter.scrape('text/plain').body, /^queue_size\{.*\} -2 1700000010000$/m);
  });

  test('content negotiation', () => {
    assert.equal(negotiateFormat(null), 'text');
    assert.equal(negotiateFormat('*/*'), 'text');
    assert.equal(negotiateFormat('text/plain;version=0.0.4'), 'text');
    assert.equal(negotiateFormat('application/openmetrics-text; version=1.0.0'), 'openmetrics');
    assert.equal(negotiateFormat('text/plain;q=1, application/openmetrics-text;q=0.5'), 'text');
    assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'text');
  });

  test('cumulative points replace; delta monotonic sums and histograms accumulate', () => {
    const store = new MetricStore({
      namespace: '',
      addMetricSuffixes: true,
      constLabels: {},
      resourceToLabels: false,
      expirationMs: 60_000,
    });
    const deltaHistogram = (start: bigint, end: bigint, buckets: number[]): MetricsBatch =>
      batch([
        {
          name: 'latency',
          data: {
            type: 'histogram',
            aggregationTemporality: 'delta',
            dataPoints: [
              {
                attributes: {},
                startTimeUnixNano: start,
                timeUnixNano: end,
                count: buckets.reduce((a, b) => a + b),
                sum: 1,
                bucketCounts: buckets,
                explicitBounds: [1],
              },
            ],
          },
        },
      ]);
    store.add(everyType(T1, 0));
    store.add(everyType(T2, 5));
    store.add(deltaHistogram(T0, T1, [1, 2]));
    store.add(deltaHistogram(T1, T2, [3, 0]));
    const text = writeExposition(store.collect().families, [], 'text', false);
    assert.match(text, /^http_requests_total\{.*\} 15$/m, 'a cumulative counter takes the latest value');
    assert.match(text, /^bytes_sent_total\{.*\} 200$/m, 'a delta counter adds up');
    assert.match(text, /^latency_bucket\{.*le="1"\} 4$/m);
    assert.match(text, /^latency_bucket\{.*le="\+Inf"\} 6$/m);
    assert.match(text, /^latency_sum\{.*\} 2$/m);
    // A delta point overlapping the previous one is dropped, not added twice.
    const dropped = store.add(deltaHistogram(T1, T2, [9, 9]));
    assert.deepEqual([...dropped], [['delta point overlapping the one before', 1]]);
    // An older cumulative point does not replace a newer one.
    assert.deepEqual(
      [...store.add(everyType(T1, 100))],
      [
        ['cumulative point older than the one held', 5],
        ['delta point overlapping the one before', 1],
      ],
    );
    assert.match(writeExposition(store.collect().families, [], 'text', false), /^http_requests_total\{.*\} 15$/m);
  });

  test('points Prometheus cannot hold are dropped, counted and logged once per reason', async () => {
    const { exporter, lines, telemetry } = exporterFor();
    const unsupported = batch([
      {
        name: 'updown.delta',
        data: {
          type: 'sum',
          aggregationTemporality: 'delta',
          isMonotonic: false,
          dataPoints: [{ attributes: {}, timeUnixNano: T1, value: 1 }],
        },
      },
      {
        name: 'exp',
        data: {
          type: 'exponential_histogram',
          aggregationTemporality: 'cumulative',
          dataPoints: [
            {
              attributes: {},
              timeUnixNano: T1,
              count: 1,
              scale: 0,
              zeroCount: 0,
              positive: { offset: 0, bucketCounts: [1] },
              negative: { offset: 0, bucketCounts: [] },
            },
          ],
        },
      },
      { name: 'clash', data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: T1, value: 1 }] } },
      {
        name: 'clash',
        data: {
          type: 'summary',
          dataPoints: [{ attributes: {}, timeUnixNano: T1, count: 1, sum: 1, quantileValues: [] }],
        },
      },
    ]);
    await exporter.exportMetrics(unsupported);
    await exporter.exportMetrics(unsupported);
    assert.equal(telemetry.value('prometheus', 'wasmpipe.exporter.rejected', 'metrics'), 6);
    assert.equal(lines.length, 3);
    assert.match(lines.join('\n'), /reason="delta non-monotonic sum"/);
    assert.match(lines.join('\n'), /clash already holds a gauge, not a summary/);
    assert.equal(telemetry.value('prometheus', 'wasmpipe.exporter.prometheus.series'), 1);
  });

  test('a series not updated within metric_expiration disappears; a no-recorded-value point ends it at once', () => {
    const store = new MetricStore({
      namespace: 'ns',
      addMetricSuffixes: true,
      constLabels: { env: 'test' },
      resourceToLabels: true,
      expirationMs: 60_000,
    });
    store.add(everyType(T1, 0), 1_000);
    const gauge = batch([
      { name: 'g', data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: T2, value: 1 }] } },
    ]);
    store.add(gauge, 50_000);
    const first = store.collect(62_000);
    assert.deepEqual(
      first.families.map((family) => family.name),
      ['ns_g'],
    );
    assert.deepEqual(first.families[0]?.series.values().next().value?.labels, [
      ['cloud_region', 'eu'],
      ['env', 'test'],
      ['instance', 'i-1'],
      ['job', 'prod/shop'],
      ['otel_scope_name', 'meter'],
      ['otel_scope_version', '1.0'],
      ['service_instance_id', 'i-1'],
      ['service_name', 'shop'],
      ['service_namespace', 'prod'],
    ]);
    store.add(
      batch([
        {
          name: 'g',
          data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: T2 + 1n, value: 0, flags: 1 }] },
        },
      ]),
      62_100,
    );
    assert.equal(store.collect(62_200).families.length, 0);
    assert.equal(store.collect(200_000).targets.length, 0);
  });
});

describe('prometheus scrape endpoint', () => {
  test('serves GET on its path, 404 elsewhere, 405 for other methods', async () => {
    const { exporter } = exporterFor({ path: '/custom' });
    await exporter.start({ platform: getPlatform(), logger: createTestContext('x').context.logger });
    try {
      await exporter.exportMetrics(everyType(T1, 0));
      const url = `http://${exporter.address}`;
      const text = await fetch(`${url}/custom`);
      assert.equal(text.status, 200);
      assert.equal(text.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.match(await text.text(), /^http_requests_total\{/m);
      const openMetrics = await fetch(`${url}/custom`, {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
      });
      assert.match(await openMetrics.text(), /# EOF\n$/);
      assert.equal((await fetch(`${url}/metrics`)).status, 404);
      const post = await fetch(`${url}/custom`, { method: 'POST', body: 'x' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
    } finally {
      await exporter.shutdown();
      await exporter.shutdown();
    }
  });
});
