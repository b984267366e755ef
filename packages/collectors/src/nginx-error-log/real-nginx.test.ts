// nginx_error_log against a real nginx: provoke upstream timeouts, refused connections, dead
// upstreams and missing files, and check the records and counts match what nginx logged.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Metric, NumberDataPoint } from '@wasmpipe/core';
import { type LogCollectorHarness, startLogCollector, waitFor } from '../testing/log-collector.test-support.ts';
import { type NginxInstance, nginxSkipReason, sendRequests, startNginx } from '../testing/nginx.test-support.ts';
import type { NginxErrorLogCollector } from './collector.ts';
import { nginxErrorLogCollector } from './factory.ts';

const skip = nginxSkipReason();
const options = { skip, timeout: 180_000 };

let nginx: NginxInstance | undefined;
let harness: LogCollectorHarness<NginxErrorLogCollector> | undefined;
afterEach(async () => {
  await harness?.collector.shutdown();
  await nginx?.stop();
});

const values = (metrics: Metric[] | undefined, name: string) =>
  Object.fromEntries(
    ((metrics?.find((metric) => metric.name === name)?.data.dataPoints ?? []) as NumberDataPoint[]).map((point) => [
      Object.values(point.attributes)[0],
      point.value,
    ]),
  );

test(
  'upstream timeouts, refused connections and dead upstreams are counted as nginx logged them',
  options,
  async () => {
    nginx = await startNginx();
    assert.ok(nginx, 'nginx is required here');
    harness = await startLogCollector<NginxErrorLogCollector>(nginxErrorLogCollector, {
      include: [nginx.errorLogPath],
      poll_interval: '20ms',
      collection_interval: '1h',
    });
    const base = nginx.baseUrl;
    const statuses = [
      ...(await sendRequests(`${base}/timeout`, 3, { concurrency: 1 })),
      // The first request finds both servers of `dead` refusing (each then marked down for 30 s);
      // the next three find no live upstream.
      ...(await sendRequests(`${base}/refused`, 4, { concurrency: 1 })),
      ...(await Promise.all([1, 2, 3, 4, 5].map((n) => sendRequests(`${base}/files/missing-${n}`, 1)))).flat(),
    ].map((response) => response.status);
    assert.deepEqual(statuses, [504, 504, 504, 502, 502, 502, 502, 404, 404, 404, 404, 404]);

    const errors = () => harness!.records.filter((record) => record.severityText === 'error');
    await waitFor(() => errors().length >= 13, '13 error entries');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await harness.collector.shutdown();

    const last = harness.metricBatches.at(-1);
    assert.deepEqual(values(last, 'nginx.upstream.failures'), {
      timed_out: 3,
      connection_refused: 2,
      no_live_upstreams: 3,
      connection_reset: 0,
      prematurely_closed: 0,
      host_unreachable: 0,
    });
    const levels = values(last, 'nginx.error_log.records');
    assert.equal(levels['error'], 3 + 2 + 3 + 5);
    assert.equal(levels['warn'], 2, 'each dead server is reported disabled once');
    assert.equal(levels['crit'], 0);
    assert.equal(errors().length, 13);
    assert.equal(harness.counter('wasmpipe.collector.unparsed'), 0);

    const timeout = harness.records.find((record) => record.attributes['nginx.upstream.failure'] === 'timed_out');
    assert.equal(timeout?.severityNumber, 17);
    assert.match(
      String(timeout?.body),
      /^upstream timed out \(110: Connection timed out\) while reading response header/,
    );
    assert.equal(timeout?.attributes['client.address'], '127.0.0.1');
    assert.equal(timeout?.attributes['server.address'], 'localhost');
    assert.equal(timeout?.attributes['url.path'], '/timeout');
    assert.equal(timeout?.attributes['http.request.method'], 'GET');
    assert.match(
      String(timeout?.attributes['nginx.upstream']),
      new RegExp(`127\\.0\\.0\\.1:${nginx.backendPort}/slow`),
    );
    assert.equal(timeout?.attributes['process.pid'], (await nginx.workerPids())[0]);
    const missing = harness.records.filter((record) => String(record.body).startsWith('open() '));
    assert.deepEqual(missing.map((record) => record.attributes['url.path']).sort(), [
      '/files/missing-1',
      '/files/missing-2',
      '/files/missing-3',
      '/files/missing-4',
      '/files/missing-5',
    ]);
    const now = BigInt(Date.now()) * 1_000_000n;
    assert.ok(
      harness.records.every((record) => {
        const time = record.timeUnixNano ?? 0n;
        return time <= now && now - time < 120_000_000_000n;
      }),
      'local times read in the local zone land within the last two minutes',
    );
  },
);

test('discover: true finds the error log in nginx.conf', options, async () => {
  nginx = await startNginx();
  assert.ok(nginx, 'nginx is required here');
  harness = await startLogCollector<NginxErrorLogCollector>(nginxErrorLogCollector, {
    discover: true,
    config_path: nginx.configPath,
    poll_interval: '20ms',
    collection_interval: '1h',
  });
  await sendRequests(`${nginx.baseUrl}/files/absent`, 2);
  await waitFor(
    () => harness!.records.filter((record) => record.attributes['url.path'] === '/files/absent').length === 2,
    'two entries about the missing file',
  );
  assert.ok(harness.records.every((record) => record.attributes['log.file.name'] === 'error.log'));
  assert.ok(harness.resources.every((resource) => resource['instance.type'] === 'nginx'));
});
