import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Collector, type Metric, type NumberDataPoint, type Problem, Telemetry } from '@wasmpipe/core';
import { startLogCollector, waitFor } from '../testing/log-collector.test-support.ts';
import { ErrorLogProcessor } from './collector.ts';
import { nginxErrorLogCollector } from './factory.ts';

const fixture = readFileSync(new URL('./__fixtures__/error.log', import.meta.url), 'utf8');
const fixtureLines = fixture.split('\n').filter((line) => line !== '');

function processor(input: Record<string, unknown> = {}) {
  const problems: Problem[] = [];
  const config = nginxErrorLogCollector.config.parse({ include: ['/x.log'], timezone: 'UTC', ...input }, 'c', problems);
  assert.deepEqual(problems, []);
  const telemetry = new Telemetry();
  const counter = telemetry.forComponent('c').counter('wasmpipe.collector.unparsed');
  return { processor: new ErrorLogProcessor(config!, counter, 3n), unparsed: counter };
}

const values = (metric: Metric | undefined) =>
  Object.fromEntries(
    ((metric?.data.dataPoints ?? []) as NumberDataPoint[]).map((point) => [
      Object.values(point.attributes)[0],
      point.value,
    ]),
  );

describe('ErrorLogProcessor', () => {
  it('counts the captured entries by level and upstream failures by reason', () => {
    const { processor: errors } = processor();
    errors.process({ path: '/x/error.log', lines: fixtureLines }, 1n, false);
    const metrics = errors.collectMetrics(9n);
    assert.deepEqual(values(metrics.find((metric) => metric.name === 'nginx.error_log.records')), {
      debug: 0,
      info: 14,
      notice: 40,
      warn: 3,
      error: 7,
      crit: 0,
      alert: 0,
      emerg: 0,
    });
    assert.deepEqual(values(metrics.find((metric) => metric.name === 'nginx.upstream.failures')), {
      timed_out: 1,
      connection_refused: 4,
      no_live_upstreams: 2,
      connection_reset: 0,
      prematurely_closed: 0,
      host_unreachable: 0,
    });
    assert.ok(metrics.every((metric) => metric.data.type === 'sum' && metric.data.isMonotonic));
  });

  it('makes records with OTLP severities, the message as body, and file attributes', () => {
    const { processor: errors } = processor();
    const records = errors.process({ path: '/x/error.log', lines: fixtureLines }, 1n, true);
    assert.equal(records.length, 64);
    const timeout = records.find((record) => record.attributes['nginx.upstream.failure'] === 'timed_out');
    assert.equal(timeout?.severityNumber, 17);
    assert.equal(timeout?.severityText, 'error');
    assert.equal(
      timeout?.body,
      'upstream timed out (110: Connection timed out) while reading response header from upstream',
    );
    assert.equal(timeout?.attributes['log.file.name'], 'error.log');
    assert.equal(timeout?.attributes['url.path'], '/slow/x');
    assert.deepEqual([...new Set(records.map((record) => `${record.severityText}=${record.severityNumber}`))].sort(), [
      'error=17',
      'info=9',
      'notice=10',
      'warn=13',
    ]);
  });

  it('appends continuation lines to the entry before them, and keeps a leading stray line raw, counted', () => {
    const { processor: errors, unparsed } = processor();
    const records = errors.process(
      {
        path: '/x/error.log',
        lines: [
          'stray line',
          '2026/11/23 21:59:16 [error] 7#7: *1 FastCGI sent in stderr: "PHP message: first',
          'PHP message: second" while reading response header from upstream, client: 1.2.3.4, server: s',
        ],
      },
      1n,
      true,
    );
    assert.equal(records.length, 2);
    assert.deepEqual(records[0]?.attributes, { 'log.file.name': 'error.log' });
    assert.equal(records[0]?.severityNumber, undefined);
    assert.equal(
      records[1]?.body,
      'FastCGI sent in stderr: "PHP message: first\nPHP message: second" while reading response header from upstream, client: 1.2.3.4, server: s',
    );
    assert.equal(unparsed.value, 1);
  });

  it('leaves out metrics that are turned off', () => {
    const { processor: errors } = processor({ metrics: { 'nginx.upstream.failures': { enabled: false } } });
    assert.deepEqual(
      errors.collectMetrics(1n).map((metric) => metric.name),
      ['nginx.error_log.records'],
    );
  });
});

describe('nginx_error_log collector on files', () => {
  let directory = '';
  const running: Collector[] = [];
  beforeEach(async () => {
    directory = await mkdtemp(`${tmpdir()}/wasmpipe-error-`);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((collector) => collector.shutdown?.()));
    await rm(directory, { recursive: true, force: true });
  });

  it('tails an error log into records and metrics', async () => {
    await writeFile(`${directory}/error.log`, '');
    const harness = await startLogCollector(
      nginxErrorLogCollector,
      { include: ['error.log'], poll_interval: '20ms', collection_interval: '50ms', timezone: 'UTC' },
      { configDirectory: directory },
    );
    running.push(harness.collector);
    await appendFile(`${directory}/error.log`, fixture);
    await waitFor(() => harness.records.length === 64, '64 records');
    await waitFor(
      () =>
        harness.metricBatches.some(
          (metrics) => values(metrics.find((metric) => metric.name === 'nginx.error_log.records'))['error'] === 7,
        ),
      'seven errors counted',
    );
  });

  it('rejects a time zone it cannot read', () => {
    const problems: Problem[] = [];
    nginxErrorLogCollector.config.parse({ include: ['a'], timezone: 'Europe/Paris' }, 'c', problems);
    assert.deepEqual(problems, [
      { path: 'c.timezone', message: 'expected local, UTC or an offset such as +02:00, got "Europe/Paris"' },
    ]);
  });
});
