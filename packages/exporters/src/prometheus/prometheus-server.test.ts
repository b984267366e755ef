// A real Prometheus server (the Debian package's /usr/bin/prometheus) scrapes our exporter; the
// test asks Prometheus's HTTP API for the series and values. promtool parses our text format.
// Without the binaries the test skips, except under CI=true, where it fails.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getPlatform, type MetricsBatch, type Problem } from '@wasmpipe/core';
import { createTestContext } from '../testing/create-context.ts';
import { closedPort } from '../testing/http-capture-server.ts';
import { type PrometheusConfig, prometheusConfig } from './config.ts';
import { PrometheusExporter } from './exporter.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const missing = [PROMETHEUS, PROMTOOL].filter((binary) => !existsSync(binary));
if (missing.length > 0 && process.env.CI === 'true') {
  throw new Error(`${missing.join(' and ')} missing; .ci/run installs the Debian package prometheus.`);
}
const skip = missing.length > 0 ? `${missing.join(', ')} not installed (apt-get install prometheus)` : false;

const T0 = BigInt(Date.now() - 60_000) * 1_000_000n;

let batches = 0;

/** The shop's metrics; each call is one second after the one before, so delta points line up. */
function shopBatch(requests: number): MetricsBatch {
  batches++;
  const time = T0 + BigInt(batches) * 1_000_000_000n;
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
        scopeMetrics: [
          {
            scope: { name: 'shop-meter', version: '1.0' },
            metrics: [
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
                      value: requests,
                      isInteger: true,
                    },
                  ],
                },
              },
              {
                name: 'cpu.utilization',
                unit: '1',
                data: { type: 'gauge', dataPoints: [{ attributes: { cpu: 3 }, timeUnixNano: time, value: 0.25 }] },
              },
              {
                name: 'http.duration',
                description: 'Time to serve.\nIn seconds, "wall" time.',
                unit: 's',
                data: {
                  type: 'histogram',
                  aggregationTemporality: 'cumulative',
                  dataPoints: [
                    {
                      attributes: { route: '/a' },
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
                        { quantile: 0.5, value: 9 },
                        { quantile: 0.99, value: 30 },
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
                  dataPoints: [
                    { attributes: {}, startTimeUnixNano: time - 1_000_000_000n, timeUnixNano: time, value: 100 },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('a real Prometheus scrapes the prometheus exporter', { skip }, () => {
  let exporter: PrometheusExporter;
  let prometheus: ChildProcess | undefined;
  let directory: string;
  let api: string;
  let output = '';

  async function query(promql: string): Promise<Sample[]> {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data?: { result: Sample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${promql}: ${body.error}`);
    return body.data?.result ?? [];
  }

  /** Polls a query until `accept` holds for its result; Prometheus scrapes every second. */
  async function eventually(promql: string, accept: (samples: Sample[]) => boolean): Promise<Sample[]> {
    const deadline = Date.now() + 60_000;
    let last: Sample[] = [];
    while (Date.now() < deadline) {
      try {
        last = await query(promql);
        if (accept(last)) return last;
      } catch {
        // Not up yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(
      `${promql} never matched; last result ${JSON.stringify(last)}; Prometheus said:\n${output.slice(-3000)}`,
    );
  }

  before(async () => {
    const problems: Problem[] = [];
    const config = prometheusConfig.parse(
      { endpoint: '127.0.0.1:0' },
      'exporters.prometheus',
      problems,
    ) as PrometheusConfig;
    const { context } = createTestContext('prometheus');
    exporter = new PrometheusExporter(config, context);
    await exporter.start({ platform: getPlatform(), logger: context.logger });
    await exporter.exportMetrics(shopBatch(10));
    await exporter.exportMetrics(shopBatch(10));

    directory = await mkdtemp(join(tmpdir(), 'wasmpipe-prometheus-'));
    const webPort = await closedPort();
    api = `http://127.0.0.1:${webPort}`;
    await writeFile(
      join(directory, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: wasmpipe',
        '    honor_labels: true',
        `    static_configs: [{ targets: ['${exporter.address}'] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(directory, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(directory, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await exporter?.shutdown();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  test('finds every series with its value, and job and instance from the resource', async () => {
    const [requests] = await eventually('http_requests_total', (samples) => samples.length === 1);
    assert.deepEqual(requests?.metric, {
      __name__: 'http_requests_total',
      job: 'prod/shop',
      instance: 'i-1',
      http_method: 'GET',
      otel_scope_name: 'shop-meter',
      otel_scope_version: '1.0',
    });
    assert.equal(requests?.value[1], '10');
    const value = async (promql: string) => (await eventually(promql, (samples) => samples.length === 1))[0]?.value[1];
    assert.equal(await value('cpu_utilization_ratio{cpu="3"}'), '0.25');
    assert.equal(await value('http_duration_seconds_bucket{le="0.1"}'), '1');
    assert.equal(await value('http_duration_seconds_bucket{le="1"}'), '3');
    assert.equal(await value('http_duration_seconds_bucket{le="+Inf"}'), '6');
    assert.equal(await value('http_duration_seconds_sum'), '2.5');
    assert.equal(await value('http_duration_seconds_count'), '6');
    assert.equal(await value('rpc_latency_milliseconds{quantile="0.99"}'), '30');
    assert.equal(await value('rpc_latency_milliseconds_count'), '4');
    assert.equal(await value('bytes_sent_total'), '200', 'two deltas of 100 accumulate');
    const [target] = await eventually('target_info', (samples) => samples.length === 1);
    assert.deepEqual(target?.metric, {
      __name__: 'target_info',
      job: 'prod/shop',
      instance: 'i-1',
      cloud_region: 'eu',
    });
    assert.equal(await value('up{job="wasmpipe"}'), '1');
    // Rank 3 of 6 ends the (0.1, 1] bucket, which holds ranks 2 and 3: its upper bound.
    assert.equal(await value('histogram_quantile(0.5, http_duration_seconds_bucket)'), '1');
    // Rank 1.5 is halfway through the first of its two: 0.1 + 0.9 * 0.25.
    assert.equal(await value('histogram_quantile(0.25, http_duration_seconds_bucket)'), '0.325');
  });

  test('a new value reaches Prometheus at the next scrape', async () => {
    await exporter.exportMetrics(shopBatch(15));
    await eventually('http_requests_total', (samples) => samples[0]?.value[1] === '15');
  });

  test('Prometheus read the metadata (OpenMetrics: the counter family is http_requests)', async () => {
    const response = await fetch(
      `${api}/api/v1/targets/metadata?match_target=${encodeURIComponent('{job="wasmpipe"}')}`,
    );
    const body = (await response.json()) as { data: { metric: string; type: string; help: string; unit: string }[] };
    const byName = Object.fromEntries(body.data.map((entry) => [entry.metric, entry]));
    assert.equal(byName.http_requests?.type, 'counter');
    assert.equal(byName.http_requests?.help, 'Requests served.');
    assert.equal(byName.http_duration_seconds?.type, 'histogram');
    assert.equal(byName.http_duration_seconds?.unit, 'seconds');
    assert.equal(byName.http_duration_seconds?.help, 'Time to serve.\nIn seconds, "wall" time.');
    assert.equal(byName.rpc_latency_milliseconds?.type, 'summary');
    assert.equal(byName.target?.type, 'info');
  });

  test('promtool parses the text format; its only lints are missing help and a non-base unit', () => {
    const { body } = exporter.scrape('text/plain; version=0.0.4');
    const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    const lints = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
    assert.deepEqual(lints.sort(), [
      'bytes_sent_total no help text',
      'cpu_utilization_ratio no help text',
      // The OTLP unit was ms; the name says so rather than converting the values.
      'rpc_latency_milliseconds no help text',
      'rpc_latency_milliseconds use base unit "seconds" instead of "milliseconds"',
    ]);
  });
});
