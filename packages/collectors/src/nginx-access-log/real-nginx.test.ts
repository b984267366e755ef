// nginx_access_log against a real nginx started by the test harness: a custom log_format taken
// from the generated nginx.conf, exact records and metrics for a known set of requests, rotation
// by rename and reopen and by copytruncate while requests flow, and a restart from checkpoints.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rename, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, test } from 'node:test';
import type { HistogramDataPoint, LogRecord, Metric, NumberDataPoint } from '@wasmpipe/core';
import { nginxInstanceId } from '../nginx-shared/instance.ts';
import { type LogCollectorHarness, startLogCollector, waitFor } from '../testing/log-collector.test-support.ts';
import { type NginxInstance, nginxSkipReason, sendRequests, startNginx } from '../testing/nginx.test-support.ts';
import type { NginxAccessLogCollector } from './collector.ts';
import { nginxAccessLogCollector } from './factory.ts';

const skip = nginxSkipReason();
const options = { skip, timeout: 180_000 };

/** A custom format: quoted upstream lists, $msec time, method and protocol as their own variables. */
const FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" ' +
  '"$http_user_agent" rt=$request_time len=$request_length sent=$bytes_sent "$upstream_addr" "$upstream_status" ' +
  '"$upstream_connect_time" "$upstream_header_time" "$upstream_response_time" cache=$upstream_cache_status ' +
  '$msec $request_id $server_protocol $request_method';

const collectors: LogCollectorHarness<NginxAccessLogCollector>[] = [];
const instances: NginxInstance[] = [];
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((harness) => harness.collector.shutdown()));
  await Promise.all(instances.splice(0).map((nginx) => nginx.stop()));
});

async function nginxWith(logFormat?: string): Promise<NginxInstance> {
  const nginx = await startNginx(logFormat === undefined ? {} : { logFormat });
  assert.ok(nginx, 'nginx is required here');
  instances.push(nginx);
  return nginx;
}

/** The `log_format` directive exactly as the generated nginx.conf has it. */
function logFormatDirective(nginx: NginxInstance): string {
  const directive = /^\s*(log_format\s[\s\S]*?;)\s*$/m.exec(nginx.configText());
  assert.ok(directive, 'the generated nginx.conf has a log_format');
  return directive[1] as string;
}

async function collect(input: Record<string, unknown>) {
  const harness = await startLogCollector<NginxAccessLogCollector>(nginxAccessLogCollector, {
    start_at: 'beginning',
    poll_interval: '20ms',
    collection_interval: '1h',
    ...input,
  });
  collectors.push(harness);
  return harness;
}

/** Sends one request per path (each path unique), `concurrency` at a time, in order of `paths`. */
async function sendEach(
  baseUrl: string,
  paths: readonly string[],
  concurrency = 4,
  method = 'GET',
  onSent: (sent: number) => Promise<void> | void = () => {},
): Promise<number[]> {
  const statuses: number[] = new Array(paths.length);
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < paths.length) {
      const index = next++;
      // `location =` paths proxy to a URI with its own query, so their id goes in the User-Agent.
      const [path, id] = (paths[index] as string).split('#');
      const headers: Record<string, string> = id === undefined ? {} : { 'user-agent': id };
      const [response] = await sendRequests(`${baseUrl}${path}`, 1, { method, headers });
      statuses[index] = response?.status ?? 0;
      await onSent(++sent);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, worker));
  return statuses;
}

const ids = (records: LogRecord[]) =>
  records.map((record) => String(record.attributes['url.query'] ?? record.attributes['user_agent.original']));
const numberedPaths = (path: string, from: number, to: number, inUserAgent = false) =>
  Array.from({ length: to - from }, (_, index) => `${path}${inUserAgent ? '#' : '?'}i=${from + index}`);
const idList = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => `i=${from + index}`);
const sorted = (values: string[]) => [...values].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));

function metric(batches: Metric[][], name: string): Metric {
  const found = batches.at(-1)?.find((candidate) => candidate.name === name);
  assert.ok(found, `no ${name} in the last metrics batch`);
  return found;
}
const points = (found: Metric) => found.data.dataPoints as NumberDataPoint[];
const total = (found: Metric) => points(found).reduce((sum, point) => sum + point.value, 0);
const histogram = (found: Metric) => found.data.dataPoints[0] as HistogramDataPoint;

test('a custom log_format from nginx.conf: records and metrics match the requests sent, exactly', options, async () => {
  const nginx = await nginxWith(FORMAT);
  const harness = await collect({ include: [nginx.accessLogPath], log_format: logFormatDirective(nginx) });

  const plain = await sendEach(nginx.baseUrl, numberedPaths('/', 0, 30));
  const missing = await sendEach(nginx.baseUrl, numberedPaths('/status/404', 30, 42));
  const unavailable = await sendEach(nginx.baseUrl, numberedPaths('/status/503', 42, 49), 4, 'POST');
  const proxied = await sendEach(nginx.baseUrl, numberedPaths('/proxy/x', 49, 58));
  const timedOut = await sendEach(nginx.baseUrl, numberedPaths('/timeout', 58, 61, true));
  // One at a time: the first tries both dead servers, the others find no live upstream.
  const refused = await sendEach(nginx.baseUrl, numberedPaths('/refused', 61, 65, true), 1);
  assert.deepEqual(
    [plain, missing, unavailable, proxied, timedOut, refused].map((statuses) => [...new Set(statuses)]),
    [[200], [404], [503], [200], [504], [502]],
  );

  await waitFor(() => harness.records.length >= 65, '65 records');
  await harness.collector.shutdown();
  assert.equal(harness.records.length, 65);
  assert.deepEqual(sorted(ids(harness.records)), idList(0, 65), 'every request once');
  assert.equal(harness.counter('wasmpipe.collector.unparsed'), 0);

  const byStatus = (code: number) =>
    harness.records.filter((record) => record.attributes['http.response.status_code'] === code);
  assert.deepEqual(
    [200, 404, 503, 504, 502].map((code) => byStatus(code).length),
    [39, 12, 7, 3, 4],
  );
  const post = byStatus(503)[0];
  assert.equal(post?.attributes['http.request.method'], 'POST');
  assert.equal(post?.attributes['network.protocol.version'], '1.1');
  assert.equal(post?.attributes['url.path'], '/status/503');
  assert.equal(post?.attributes['client.address'], '127.0.0.1');
  assert.ok(typeof post?.attributes['nginx.request_id'] === 'string');
  assert.ok(harness.records.every((record) => record.timeUnixNano !== undefined));
  const upstream = byStatus(200).find((record) => record.attributes['url.path'] === '/proxy/x');
  assert.equal(upstream?.attributes['nginx.upstream_addr'], `127.0.0.1:${nginx.backendPort}`);
  assert.equal(upstream?.attributes['nginx.upstream_status'], '200');

  // Metrics: the last push, at shutdown, holds everything.
  const batches = harness.metricBatches;
  const responses = metric(batches, 'nginx.http.response.status');
  const count = (code: number, method: string) =>
    points(responses)
      .filter(
        (point) =>
          point.attributes['http.response.status_code'] === code && point.attributes['http.request.method'] === method,
      )
      .reduce((sum, point) => sum + point.value, 0);
  assert.deepEqual(
    [count(200, 'GET'), count(404, 'GET'), count(503, 'POST'), count(504, 'GET'), count(502, 'GET')],
    [39, 12, 7, 3, 4],
  );
  assert.equal(total(responses), 65);
  assert.ok(points(responses).every((point) => point.attributes['network.protocol.version'] === '1.1'));
  assert.deepEqual(
    points(metric(batches, 'nginx.http.response.count')).map((point) => point.value),
    [0, 39, 0, 12, 14],
  );
  const requestTime = histogram(metric(batches, 'nginx.http.request.time'));
  assert.equal(requestTime.count, 65);
  assert.ok((requestTime.min ?? -1) >= 0);
  assert.ok((requestTime.max ?? 0) >= 0.2, 'the timeouts took at least the 200 ms read timeout');
  assert.equal(histogram(metric(batches, 'nginx.http.request.length')).count, 65);
  assert.equal(histogram(metric(batches, 'nginx.http.request.body_bytes_sent')).count, 65);
  assert.equal(histogram(metric(batches, 'nginx.http.request.bytes_sent')).count, 65);
  // Upstream: 9 proxied, 3 timed out, 4 refused; the first refused one tried both dead servers.
  assert.equal(total(metric(batches, 'nginx.upstream.request.count')), 16);
  assert.equal(total(metric(batches, 'nginx.upstream.next.count')), 1);
  assert.equal(histogram(metric(batches, 'nginx.upstream.response.time')).count, 9 + 3 + 2 + 3);
  assert.equal(histogram(metric(batches, 'nginx.upstream.connect.time')).count, 9 + 3, 'no connection to a dead one');
  assert.equal(histogram(metric(batches, 'nginx.upstream.header.time')).count, 9, 'no header from a timed-out one');
  assert.deepEqual(
    points(metric(batches, 'nginx.upstream.response.status')).map((point) => [
      point.attributes['nginx.status_range'],
      point.value,
    ]),
    [
      ['2xx', 9],
      ['5xx', 3 + 2 + 3],
    ],
  );
});

test('rotation by rename and nginx -s reopen while requests flow: every request exactly once', options, async () => {
  const nginx = await nginxWith();
  const harness = await collect({ include: [nginx.accessLogPath], rotate_wait: '3s' });
  const paths = numberedPaths('/', 0, 600);
  const rotations: Promise<void>[] = [];
  const rotate = async (suffix: string) => {
    await rename(nginx.accessLogPath, `${nginx.accessLogPath}.${suffix}`);
    // nginx keeps writing to the renamed file until it reopens its logs.
    await sendRequests(`${nginx.baseUrl}/?between=${suffix}`, 5);
    await nginx.reopen();
  };
  await sendEach(nginx.baseUrl, paths, 4, 'GET', (sent) => {
    if (sent === 150) rotations.push(rotate('1'));
    if (sent === 400) rotations.push(rotate('2'));
  });
  await Promise.all(rotations);
  await sendRequests(`${nginx.baseUrl}/?last`, 1);
  await waitFor(() => harness.records.some((record) => record.attributes['url.query'] === 'last'), 'the last request');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const numbered = ids(harness.records).filter((id) => id.startsWith('i='));
  assert.deepEqual(sorted(numbered), idList(0, 600), 'each of the 600 requests once');
  assert.equal(harness.records.length, 600 + 10 + 1);
  assert.equal(harness.counter('wasmpipe.tail.rotations'), 2);
});

test('rotation by copytruncate while requests flow: every line either file keeps is read once', options, async () => {
  const nginx = await nginxWith();
  const harness = await collect({ include: [nginx.accessLogPath] });
  const copies = [`${nginx.accessLogPath}.1`, `${nginx.accessLogPath}.2`];
  const rotations: Promise<void>[] = [];
  // What logrotate's copytruncate does: copy, then truncate in place; nginx never reopens.
  const copyTruncate = async (copy: string) => {
    await copyFile(nginx.accessLogPath, copy);
    await truncate(nginx.accessLogPath, 0);
  };
  await sendEach(nginx.baseUrl, numberedPaths('/', 0, 600), 4, 'GET', (sent) => {
    if (sent === 200) rotations.push(copyTruncate(copies[0] as string));
    if (sent === 400) rotations.push(copyTruncate(copies[1] as string));
  });
  await Promise.all(rotations);
  await sendRequests(`${nginx.baseUrl}/?last`, 1);
  await waitFor(() => harness.records.some((record) => record.attributes['url.query'] === 'last'), 'the last request');
  await new Promise((resolve) => setTimeout(resolve, 200));

  const read = ids(harness.records).filter((id) => id.startsWith('i='));
  assert.equal(new Set(read).size, read.length, 'no request read twice');
  const kept = new Set<string>();
  for (const path of [...copies, nginx.accessLogPath]) {
    for (const match of (await readFile(path, 'utf8')).matchAll(/GET \/\?(i=\d+) HTTP/g)) kept.add(match[1] as string);
  }
  const missing = [...kept].filter((id) => !read.includes(id));
  assert.deepEqual(
    missing,
    [],
    `every request the files kept was read; the collector logged:\n${harness.logs.join('\n')}`,
  );
  assert.ok(read.every((id) => Number(id.slice(2)) < 600));
  assert.equal(harness.counter('wasmpipe.tail.truncations'), 2);
  // Lines written between a copy and its truncation are in neither file (copytruncate's own loss).
  const lost = 600 - read.length;
  assert.ok(lost <= 600 - kept.size, `${lost} lost, but only ${600 - kept.size} are in neither file`);
});

test(
  'a restart resumes from the saved offsets: nothing lost, nothing repeated, across a rotation while stopped',
  options,
  async () => {
    const nginx = await nginxWith();
    const storage = await mkdtemp(`${tmpdir()}/wasmpipe-state-`);
    try {
      const input = { include: [nginx.accessLogPath], storage_directory: storage, start_at: 'end' };
      const first = await collect(input);
      await sendEach(nginx.baseUrl, numberedPaths('/', 0, 50));
      await waitFor(() => first.records.length >= 50, '50 records');
      await first.collector.shutdown();

      // While stopped: more requests, a rotation by rename and reopen, more requests.
      await sendEach(nginx.baseUrl, numberedPaths('/', 50, 80));
      await rename(nginx.accessLogPath, `${nginx.accessLogPath}.1`);
      await nginx.reopen();
      await sendEach(nginx.baseUrl, numberedPaths('/', 80, 100));

      const second = await collect(input);
      await waitFor(() => second.records.length >= 50, '50 more records');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(sorted(ids(first.records)), idList(0, 50));
      assert.deepEqual(sorted(ids(second.records)), idList(50, 100));
    } finally {
      await rm(storage, { recursive: true, force: true });
    }
  },
);

test('discover: true finds the access log and its log_format in nginx.conf, and the instance.id', options, async () => {
  const nginx = await nginxWith(FORMAT);
  const harness = await collect({ discover: true, config_path: nginx.configPath });
  await sendEach(nginx.baseUrl, numberedPaths('/proxy/y', 0, 10));
  await waitFor(() => harness.records.length >= 10, '10 records');
  await harness.collector.shutdown();
  assert.deepEqual(sorted(ids(harness.records)), idList(0, 10));
  assert.equal(harness.counter('wasmpipe.collector.unparsed'), 0);
  const record = harness.records[0];
  assert.equal(record?.attributes['nginx.upstream_status'], '200', 'read with the custom format, not combined');
  assert.equal(typeof record?.attributes['http.server.request.duration'], 'number');
  assert.equal(total(metric(harness.metricBatches, 'nginx.upstream.request.count')), 10);
  assert.ok(harness.logs.some((line) => line.includes('Found access logs in nginx.conf')));
  const instanceId = await nginxInstanceId(nginx.configPath);
  assert.ok(harness.resources.length > 0);
  assert.ok(
    harness.resources.every(
      (resource) => resource['instance.id'] === instanceId && resource['instance.type'] === 'nginx',
    ),
  );
});
