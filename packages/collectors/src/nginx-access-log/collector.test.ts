import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Collector, NumberDataPoint } from '@wasmpipe/core';
import { startLogCollector, waitFor } from '../testing/log-collector.test-support.ts';
import { nginxAccessLogCollector } from './factory.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
let directory = '';
const running: Collector[] = [];

beforeEach(async () => {
  directory = await mkdtemp(`${tmpdir()}/wasmpipe-access-`);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((collector) => collector.shutdown?.()));
  await rm(directory, { recursive: true, force: true });
});

async function start(input: Record<string, unknown>, signals?: ('logs' | 'metrics')[]) {
  const harness = await startLogCollector(
    nginxAccessLogCollector,
    { include: ['*.log'], poll_interval: '20ms', collection_interval: '50ms', ...input },
    { configDirectory: directory, signals },
  );
  running.push(harness.collector);
  return harness;
}

const responseCounts = (batches: import('@wasmpipe/core').Metric[][]) =>
  batches
    .flatMap((metrics) => metrics.filter((metric) => metric.name === 'nginx.http.response.count'))
    .flatMap((metric) => metric.data.dataPoints as NumberDataPoint[])
    .reduce((sum, point) => sum + point.value, 0);

describe('nginx_access_log collector on files', () => {
  it('turns every line into a record, keeps unparsed ones raw and counts them, and emits metrics', async () => {
    const path = `${directory}/access.log`;
    await writeFile(path, '');
    const harness = await start({ log_format: fixture('custom20.conf') });
    await appendFile(path, `${fixture('custom20.log')}this is not an access log line\n`);
    await waitFor(() => harness.records.length === 19, '19 records');
    assert.equal(harness.counter('wasmpipe.collector.unparsed'), 1);
    const raw = harness.records[18];
    assert.deepEqual(raw?.attributes, { 'log.file.name': 'access.log' });
    assert.equal(raw?.body, 'this is not an access log line');
    assert.equal(harness.records[0]?.attributes['log.file.name'], 'access.log');
    assert.equal(harness.records[0]?.attributes['http.response.status_code'], 200);
    await waitFor(() => responseCounts(harness.metricBatches) === 18, '18 responses counted');
    assert.equal(harness.logs.filter((line) => line.includes('do not match the log format')).length, 1);
  });

  it('emits no records with logs turned off, and no metrics with metrics turned off', async () => {
    await writeFile(`${directory}/a.log`, '');
    const quiet = await start({ logs: { enabled: false } });
    await appendFile(`${directory}/a.log`, fixture('combined.log'));
    await waitFor(() => responseCounts(quiet.metricBatches) === 18, 'metrics');
    assert.equal(quiet.records.length, 0);
    await quiet.collector.shutdown?.();

    const noMetrics = await start({ metrics: { enabled: false }, start_at: 'beginning' });
    await waitFor(() => noMetrics.records.length === 18, 'records');
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(noMetrics.metricBatches.length, 0);
  });

  it('emits only records when only a logs pipeline takes it, and turns off single metrics', async () => {
    await writeFile(`${directory}/a.log`, fixture('combined.log'));
    const logsOnly = await start({ start_at: 'beginning' }, ['logs']);
    await waitFor(() => logsOnly.records.length === 18, 'records');
    await logsOnly.collector.shutdown?.();
    assert.equal(logsOnly.metricBatches.length, 0);

    const some = await start({ start_at: 'beginning', metrics: { 'nginx.http.response.count': { enabled: false } } }, [
      'metrics',
    ]);
    await waitFor(() => some.metricBatches.length > 0, 'a metrics batch');
    assert.deepEqual(
      some.metricBatches[0]?.map((metric) => metric.name),
      ['nginx.http.response.status', 'nginx.http.request.body_bytes_sent'],
    );
  });

  it('pushes the last metrics at shutdown', async () => {
    await writeFile(`${directory}/a.log`, fixture('combined.log'));
    const harness = await start({ start_at: 'beginning', collection_interval: '1h' });
    await waitFor(() => harness.counter('wasmpipe.tail.lines') === 18, 'lines read');
    assert.equal(harness.metricBatches.length, 0);
    await harness.collector.shutdown?.();
    assert.equal(responseCounts(harness.metricBatches), 18);
  });
});
