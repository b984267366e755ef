// The nginx collector against a real HTTP server the test controls: names, values, start times,
// resets, and every kind of bad input. The real-nginx tests are in real-nginx.test.ts.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Problem } from '@wasmpipe/core';
import {
  type CollectorHarness,
  logLines,
  metricsOf,
  shutdownCollectors,
  startCollector,
  waitFor,
} from '../testing/collector-harness.test-support.ts';
import { startFakeServer } from '../testing/fake-http-server.test-support.ts';
import { freePort } from '../testing/nginx.test-support.ts';
import type { NginxCollector } from './collector.ts';
import { nginxCollector } from './factory.ts';
import { metricNamed, pointOf, pointValue, readFixture } from './test-helpers.ts';

afterEach(shutdownCollectors);

const page = (accepted: number, handled: number, requests: number, active = 1, reading = 0, writing = 1, waiting = 0) =>
  `Active connections: ${active} \nserver accepts handled requests\n ${accepted} ${handled} ${requests} \nReading: ${reading} Writing: ${writing} Waiting: ${waiting} \n`;

async function manual(input: Record<string, unknown>): Promise<CollectorHarness<NginxCollector>> {
  return startCollector<typeof nginxCollector.config, NginxCollector>(nginxCollector, input, { start: false });
}

test('emits the NGINX Agent v3 names by default, with the instance resource', async () => {
  const server = await startFakeServer({ '/nginx_status': { body: readFixture('stub-status-busy.txt') } });
  try {
    const harness = await manual({ endpoint: `${server.url}/nginx_status` });
    const batch = await harness.collector.collect();
    const metrics = metricsOf(batch);
    assert.deepEqual(
      metrics.map((metric) => [metric.name, metric.unit, metric.data.type]),
      [
        ['nginx.up', '1', 'gauge'],
        ['nginx.http.connections', 'connections', 'sum'],
        ['nginx.http.connection.count', 'connections', 'gauge'],
        ['nginx.http.requests', 'requests', 'sum'],
      ],
    );
    assert.equal(pointValue(metrics, 'nginx.up'), 1);
    const outcome = 'nginx.connections.outcome';
    assert.equal(pointValue(metrics, 'nginx.http.connections', { [outcome]: 'ACCEPTED' }), 16630948);
    assert.equal(pointValue(metrics, 'nginx.http.connections', { [outcome]: 'HANDLED' }), 16630946);
    assert.equal(pointValue(metrics, 'nginx.http.connection.count', { [outcome]: 'ACTIVE' }), 291);
    assert.equal(pointValue(metrics, 'nginx.http.connection.count', { [outcome]: 'READING' }), 6);
    assert.equal(pointValue(metrics, 'nginx.http.connection.count', { [outcome]: 'WRITING' }), 179);
    assert.equal(pointValue(metrics, 'nginx.http.connection.count', { [outcome]: 'WAITING' }), 106);
    assert.equal(pointValue(metrics, 'nginx.http.requests'), 31070465);
    const connections = metricNamed(metrics, 'nginx.http.connections').data;
    assert.ok(
      connections.type === 'sum' && connections.isMonotonic && connections.aggregationTemporality === 'cumulative',
    );
    assert.equal(pointOf(metricNamed(metrics, 'nginx.http.requests')).isInteger, true);

    const resource = batch.resourceMetrics[0]?.resource.attributes ?? {};
    assert.equal(resource['instance.type'], 'nginx');
    assert.match(
      String(resource['instance.id']),
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(batch.resourceMetrics[0]?.scopeMetrics[0]?.scope.name, '@wasmpipe/collectors/nginx');
    // The same endpoint always gives the same instance.id; a configured one wins.
    const again = await manual({ endpoint: `${server.url}/nginx_status` });
    assert.equal(
      (await again.collector.collect()).resourceMetrics[0]?.resource.attributes['instance.id'],
      resource['instance.id'],
    );
    const named = await manual({ endpoint: `${server.url}/nginx_status`, instance_id: 'edge-1' });
    assert.equal((await named.collector.collect()).resourceMetrics[0]?.resource.attributes['instance.id'], 'edge-1');
  } finally {
    await server.close();
  }
});

test('naming: otel_contrib emits the contrib nginx receiver names', async () => {
  const server = await startFakeServer({ '/s': { body: readFixture('stub-status-busy.txt') } });
  try {
    const harness = await manual({ endpoint: `${server.url}/s`, naming: 'otel_contrib' });
    const metrics = metricsOf(await harness.collector.collect());
    assert.deepEqual(
      metrics.map((metric) => metric.name),
      [
        'nginx.up',
        'nginx.requests',
        'nginx.connections_accepted',
        'nginx.connections_handled',
        'nginx.connections_current',
      ],
    );
    assert.equal(pointValue(metrics, 'nginx.requests'), 31070465);
    assert.equal(pointValue(metrics, 'nginx.connections_accepted'), 16630948);
    assert.equal(pointValue(metrics, 'nginx.connections_handled'), 16630946);
    for (const [state, value] of [
      ['active', 291],
      ['reading', 6],
      ['writing', 179],
      ['waiting', 106],
    ] as const) {
      assert.equal(pointValue(metrics, 'nginx.connections_current', { state }), value);
    }
    const current = metricNamed(metrics, 'nginx.connections_current').data;
    assert.ok(current.type === 'sum' && !current.isMonotonic && current.aggregationTemporality === 'cumulative');
  } finally {
    await server.close();
  }
});

test('request.count is the increase since the last scrape; counters keep their start time until a reset', async () => {
  let body = page(10, 10, 20);
  const server = await startFakeServer({ '/s': () => ({ body }) });
  try {
    const harness = await manual({ endpoint: `${server.url}/s` });
    const first = metricsOf(await harness.collector.collect());
    assert.equal(
      first.find((metric) => metric.name === 'nginx.http.request.count'),
      undefined,
    );
    const start = pointOf(metricNamed(first, 'nginx.http.requests')).startTimeUnixNano as bigint;
    assert.ok(start > 0n && start <= pointOf(metricNamed(first, 'nginx.http.requests')).timeUnixNano);
    assert.equal(pointOf(metricNamed(first, 'nginx.http.connection.count')).startTimeUnixNano, undefined);

    body = page(15, 15, 27);
    const second = metricsOf(await harness.collector.collect());
    assert.equal(pointValue(second, 'nginx.http.request.count'), 7);
    assert.equal(pointOf(metricNamed(second, 'nginx.http.requests')).startTimeUnixNano, start);
    const secondTime = pointOf(metricNamed(second, 'nginx.http.requests')).timeUnixNano;

    // nginx restarted: the totals went down. The new series starts at the previous scrape.
    body = page(2, 2, 3);
    const third = metricsOf(await harness.collector.collect());
    assert.equal(pointValue(third, 'nginx.http.request.count'), 3);
    assert.equal(pointOf(metricNamed(third, 'nginx.http.requests')).startTimeUnixNano, secondTime);
    assert.equal(
      pointOf(metricNamed(third, 'nginx.http.connections'), { 'nginx.connections.outcome': 'ACCEPTED' })
        .startTimeUnixNano,
      secondTime,
    );
    // An up-down sum going down is not a reset.
    const contrib = await manual({ endpoint: `${server.url}/s`, naming: 'otel_contrib' });
    body = page(2, 2, 3, 9, 0, 1, 8);
    const before = metricsOf(await contrib.collector.collect());
    body = page(3, 3, 4, 1, 0, 1, 0);
    const after = metricsOf(await contrib.collector.collect());
    const startOf = (metrics: typeof before) =>
      pointOf(metricNamed(metrics, 'nginx.connections_current'), { state: 'active' }).startTimeUnixNano;
    assert.equal(startOf(after), startOf(before));
  } finally {
    await server.close();
  }
});

test('a refusing endpoint: nginx.up 0, one warning per state change, counted, and scraping goes on', async () => {
  const port = await freePort();
  const harness = await startCollector(nginxCollector, {
    endpoint: `http://127.0.0.1:${port}/nginx_status`,
    collection_interval: '20ms',
  });
  await waitFor(() => harness.batches.length >= 5, 'five scrapes of a closed port');
  for (const batch of harness.batches.slice(0, 5)) {
    const metrics = metricsOf(batch);
    assert.deepEqual(
      metrics.map((metric) => metric.name),
      ['nginx.up'],
    );
    assert.equal(pointValue(metrics, 'nginx.up'), 0);
  }
  const warnings = logLines(harness, 'warn');
  assert.equal(warnings.length, 1);
  assert.equal(
    warnings[0]?.message,
    `GET http://127.0.0.1:${port}/nginx_status failed: connection refused (connect ECONNREFUSED 127.0.0.1:${port}). Its metrics are missing and nginx.up is 0 until a scrape succeeds.`,
  );
  assert.ok(harness.telemetry.value('nginx', 'wasmpipe.scraper.errors', 'metrics') >= 5);
});

test('recovery logs once, and a different failure warns again, naming the endpoint and what was wrong', async () => {
  let answer: { status?: number; body?: string } = { status: 503, body: 'busy' };
  const server = await startFakeServer({ '/s': () => answer });
  try {
    const harness = await manual({ endpoint: `${server.url}/s` });
    const url = `${server.url}/s`;
    const up = async () => pointValue(metricsOf(await harness.collector.collect()), 'nginx.up');
    assert.equal(await up(), 0);
    assert.equal(await up(), 0);
    answer = { body: page(1, 1, 1) };
    assert.equal(await up(), 1);
    answer = { body: readFixture('stub-status-truncated.txt') };
    assert.equal(await up(), 0);
    answer = { body: '<html>oops</html>' };
    assert.equal(await up(), 0);
    answer = { status: 404, body: '<html>\n<head><title>404 Not Found</title></head>\n</html>' };
    assert.equal(await up(), 0);
    answer = { body: page(2, 2, 2) };
    assert.equal(await up(), 1);
    assert.deepEqual(
      logLines(harness, 'info').map((line) => `${line.level}: ${line.message}`),
      [
        `warn: GET ${url} answered HTTP 503 ("busy"). Its metrics are missing and nginx.up is 0 until a scrape succeeds.`,
        `info: The stub_status page ${url} is readable again.`,
        `warn: GET ${url} did not return a stub_status page: line 3: expected three numbers "<accepts> <handled> <requests>", got " 16630948 16630946 ". Its metrics are missing and nginx.up is 0 until a scrape succeeds.`,
        `warn: GET ${url} answered HTTP 404 ("<html> <head><title>404 Not Found</title></head> </html>"). Its metrics are missing and nginx.up is 0 until a scrape succeeds.`,
        `info: The stub_status page ${url} is readable again.`,
      ],
    );
    assert.equal(harness.telemetry.value('nginx', 'wasmpipe.scraper.errors', 'metrics'), 5);
  } finally {
    await server.close();
  }
});

test('a slow endpoint times out, and an oversized body is refused', async () => {
  const server = await startFakeServer({
    '/slow': { body: page(1, 1, 1), delayMillis: 2000 },
    '/huge': { body: 'x'.repeat(200_000) },
  });
  try {
    const slow = await manual({ endpoint: `${server.url}/slow`, timeout: '100ms' });
    const began = performance.now();
    assert.equal(pointValue(metricsOf(await slow.collector.collect()), 'nginx.up'), 0);
    assert.ok(performance.now() - began < 1500);
    assert.match(
      logLines(slow, 'warn')[0]?.message ?? '',
      /^GET http:\/\/127\.0\.0\.1:\d+\/slow timed out after 100ms\./,
    );
    const huge = await manual({ endpoint: `${server.url}/huge` });
    assert.equal(pointValue(metricsOf(await huge.collector.collect()), 'nginx.up'), 0);
    assert.match(logLines(huge, 'warn')[0]?.message ?? '', /\/huge: the response is larger than 65536 bytes\./);
  } finally {
    await server.close();
  }
});

test('sends the configured headers', async () => {
  const server = await startFakeServer({ '/s': { body: page(1, 1, 1) } });
  try {
    const harness = await manual({
      endpoint: `${server.url}/s`,
      headers: { authorization: 'Bearer t0ken', 'x-extra': 'yes' },
    });
    await harness.collector.collect();
    assert.equal(server.requests[0]?.headers['authorization'], 'Bearer t0ken');
    assert.equal(server.requests[0]?.headers['x-extra'], 'yes');
  } finally {
    await server.close();
  }
});

test('on a timer: scrapes keep coming while the consumer refuses, with one warning', async () => {
  const server = await startFakeServer({ '/s': { body: page(1, 1, 1) } });
  try {
    let refuse = true;
    const harness = await startCollector(
      nginxCollector,
      { endpoint: `${server.url}/s`, collection_interval: '20ms' },
      {
        consume: async () => {
          if (refuse) throw new Error('queue full');
        },
      },
    );
    await waitFor(() => harness.batches.length >= 3, 'three refused batches');
    refuse = false;
    const seen = harness.batches.length;
    await waitFor(() => harness.batches.length >= seen + 2, 'two accepted batches');
    await harness.stop();
    const count = harness.batches.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(harness.batches.length, count, 'no scrape after shutdown');
    assert.deepEqual(
      logLines(harness, 'info').map((line) => line.message),
      [
        'The next component refused nginx metrics; they are dropped until it accepts.',
        'The next component accepts nginx metrics again.',
      ],
    );
  } finally {
    await server.close();
  }
});

const invalidConfigs: [string, Record<string, unknown>, string[]][] = [
  ['no endpoint and no discover', {}, ['nginx.endpoint: is required unless discover is true']],
  [
    'a non-HTTP endpoint',
    { endpoint: 'ftp://x/y' },
    ['nginx.endpoint: expected an http:// or https:// URL, got "ftp://x/y"'],
  ],
  [
    'an unknown naming',
    { endpoint: 'http://x/', naming: 'prometheus' },
    ['nginx.naming: expected one of nginx_agent, otel_contrib, got "prometheus"'],
  ],
  [
    'a zero interval',
    { endpoint: 'http://x/', collection_interval: '0s' },
    ['nginx.collection_interval: must be at least 1ms, got "0s"'],
  ],
  [
    'a client certificate without its key',
    { endpoint: 'https://x/', tls: { cert_file: '/etc/hostname' } },
    ['nginx.tls: cert_file and key_file go together: give both or neither'],
  ],
  [
    'a missing CA file',
    { endpoint: 'https://x/', tls: { ca_file: '/no/such/ca.pem' } },
    ['nginx.tls.ca_file: /no/such/ca.pem is not a readable file'],
  ],
  [
    'discovery of a missing nginx.conf',
    { discover: true, config_path: '/no/such/nginx.conf' },
    ['nginx.config_path: /no/such/nginx.conf is not a readable file'],
  ],
  ['an unknown option', { endpoint: 'http://x/', url: 'http://x/' }, ['nginx.url: unknown option; known options: ']],
];

for (const [what, input, expected] of invalidConfigs) {
  test(`config: ${what} is refused with its path`, async () => {
    const { getPlatform } = await import('@wasmpipe/core');
    const problems: Problem[] = [];
    const config = nginxCollector.config.parse(input, 'nginx', problems);
    if (config !== undefined) {
      problems.push(
        ...(await nginxCollector.validate!(config, { path: 'nginx', platform: getPlatform(), configDirectory: '.' })),
      );
    }
    const messages = problems.map((problem) => `${problem.path}: ${problem.message}`);
    assert.equal(messages.length, expected.length, messages.join('\n'));
    expected.forEach((message, index) => {
      assert.ok(messages[index]?.startsWith(message), messages[index]);
    });
  });
}

test('config: defaults', () => {
  const problems: Problem[] = [];
  const config = nginxCollector.config.parse({ endpoint: 'http://127.0.0.1/nginx_status' }, 'nginx', problems);
  assert.deepEqual(problems, []);
  assert.deepEqual(config, {
    endpoint: 'http://127.0.0.1/nginx_status',
    discover: false,
    config_path: '/etc/nginx/nginx.conf',
    collection_interval: 10_000,
    initial_delay: 1000,
    timeout: 5000,
    headers: {},
    tls: { insecure_skip_verify: false },
    naming: 'nginx_agent',
  });
});
