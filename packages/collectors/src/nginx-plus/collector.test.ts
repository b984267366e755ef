// The nginx_plus collector against schema-shaped NGINX Plus API responses served over real HTTP,
// for API versions 9, 6 and 4: version discovery, every endpoint's mapping, zones and peers that
// come and go, and bad input.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Metric, NumberDataPoint } from '@wasmpipe/core';
import { metricNamed, pointOf, pointValue } from '../nginx/test-helpers.ts';
import { logLines, metricsOf, shutdownCollectors, startCollector } from '../testing/collector-harness.test-support.ts';
import { freePort } from '../testing/nginx.test-support.ts';
import type { NginxPlusCollector } from './collector.ts';
import { pickApiVersion } from './endpoints.ts';
import { nginxPlusCollector } from './factory.ts';
import { type FakePlusApi, loadRelease, type PlusRelease, startFakePlusApi } from './fake-plus-api.test-support.ts';

afterEach(shutdownCollectors);

const fakes: FakePlusApi[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function setUp(release: PlusRelease, input: Record<string, unknown> = {}) {
  const api = await startFakePlusApi(release);
  fakes.push(api);
  const harness = await startCollector<typeof nginxPlusCollector.config, NginxPlusCollector>(
    nginxPlusCollector,
    { endpoint: api.url, ...input },
    { start: false },
  );
  return { api, harness, scrape: async () => metricsOf(await harness.collector.collect()) };
}

const peer = (upstream: string, name: string, address: string) => ({
  'nginx.upstream.name': upstream,
  'nginx.peer.name': name,
  'nginx.peer.address': address,
});

test('API 9: finds the version, reads every endpoint, and maps each to the NGINX Agent v3 names', async () => {
  const { api, harness, scrape } = await setUp('r33-api9');
  const metrics = await scrape();
  assert.equal(harness.collector.apiVersion, 9);
  assert.deepEqual(api.requests.slice(0, 1), ['/api/']);
  assert.deepEqual(
    api.requests.slice(1).sort(),
    [
      'connections',
      'http/caches',
      'http/limit_conns',
      'http/limit_reqs',
      'http/location_zones',
      'http/requests',
      'http/server_zones',
      'http/upstreams',
      'nginx',
      'resolvers',
      'slabs',
      'ssl',
      'stream/server_zones',
      'stream/upstreams',
    ].map((path) => `/api/9/${path}`),
  );
  assert.deepEqual(logLines(harness, 'warn'), []);

  // Every name METRICS.md lists for the Plus API is there (request.count and response.count need
  // a second scrape).
  const names = new Set(metrics.map((metric) => metric.name));
  for (const name of [
    'nginx.up',
    'nginx.config.reloads',
    'nginx.http.connections',
    'nginx.http.connection.count',
    'nginx.http.requests',
    'nginx.http.request.discarded',
    'nginx.http.request.io',
    'nginx.http.request.processing.count',
    'nginx.http.response.status',
    'nginx.http.responses',
    'nginx.http.limit_conn.requests',
    'nginx.http.limit_req.requests',
    'nginx.http.upstream.keepalive.count',
    'nginx.http.upstream.queue.limit',
    'nginx.http.upstream.queue.overflows',
    'nginx.http.upstream.queue.usage',
    'nginx.http.upstream.zombie.count',
    'nginx.http.upstream.peer.connection.count',
    'nginx.http.upstream.peer.count',
    'nginx.http.upstream.peer.fails',
    'nginx.http.upstream.peer.header.time',
    'nginx.http.upstream.peer.health_checks',
    'nginx.http.upstream.peer.io',
    'nginx.http.upstream.peer.requests',
    'nginx.http.upstream.peer.response.time',
    'nginx.http.upstream.peer.responses',
    'nginx.http.upstream.peer.state',
    'nginx.http.upstream.peer.unavailables',
    'nginx.cache.bytes_read',
    'nginx.cache.memory.limit',
    'nginx.cache.memory.usage',
    'nginx.cache.responses',
    'nginx.slab.page.free',
    'nginx.slab.page.limit',
    'nginx.slab.page.usage',
    'nginx.slab.page.utilization',
    'nginx.slab.slot.allocations',
    'nginx.slab.slot.free',
    'nginx.slab.slot.usage',
    'nginx.ssl.handshakes',
    'nginx.ssl.certificate.verify_failures',
    'nginx.stream.connection.accepted',
    'nginx.stream.connection.discarded',
    'nginx.stream.connection.processing.count',
    'nginx.stream.io',
    'nginx.stream.session.status',
    'nginx.stream.upstream.peer.connection.count',
    'nginx.stream.upstream.peer.connection.time',
    'nginx.stream.upstream.peer.connections',
    'nginx.stream.upstream.peer.count',
    'nginx.stream.upstream.peer.fails',
    'nginx.stream.upstream.peer.health_checks',
    'nginx.stream.upstream.peer.io',
    'nginx.stream.upstream.peer.response.time',
    'nginx.stream.upstream.peer.state',
    'nginx.stream.upstream.peer.ttfb.time',
    'nginx.stream.upstream.peer.unavailables',
    'nginx.stream.upstream.zombie.count',
    'nginx.resolver.requests',
    'nginx.resolver.responses',
  ]) {
    assert.ok(names.has(name), `missing ${name}`);
  }

  const value = (name: string, attributes: Record<string, string | number> = {}) =>
    pointValue(metrics, name, attributes as Record<string, string>);
  assert.equal(value('nginx.up'), 1);
  assert.equal(value('nginx.config.reloads'), 6);
  assert.equal(value('nginx.http.connections', { 'nginx.connections.outcome': 'ACCEPTED' }), 4968119);
  assert.equal(value('nginx.http.connections', { 'nginx.connections.outcome': 'DROPPED' }), 3);
  assert.equal(value('nginx.http.connection.count', { 'nginx.connections.outcome': 'IDLE' }), 117);
  // The total of http/requests has no zone attributes; zones have theirs.
  const requests = metricNamed(metrics, 'nginx.http.requests').data.dataPoints as NumberDataPoint[];
  assert.deepEqual(
    requests.map((point) => [
      point.attributes['nginx.zone.name'] ?? '(all)',
      point.attributes['nginx.zone.type'] ?? '',
      point.value,
    ]),
    [
      ['(all)', '', 10624511],
      ['site1', 'SERVER', 736395],
      ['site2', 'SERVER', 185307],
      ['api', 'LOCATION', 536395],
      ['static', 'LOCATION', 200000],
    ],
  );
  const site1 = { 'nginx.zone.name': 'site1', 'nginx.zone.type': 'SERVER' };
  assert.equal(value('nginx.http.response.status', { ...site1, 'nginx.status_range': '5xx' }), 1535);
  assert.equal(value('nginx.http.responses', site1), 734373);
  assert.equal(value('nginx.http.request.io', { ...site1, 'nginx.io.direction': 'transmit' }), 20183175459);
  assert.equal(value('nginx.http.request.discarded', site1), 2022);
  assert.equal(value('nginx.http.request.processing.count', site1), 2);
  assert.equal(
    value('nginx.http.limit_req.requests', { 'nginx.zone.name': 'one', 'nginx.limit_req.outcome': 'DELAYED_DRY_RUN' }),
    1,
  );
  assert.equal(
    value('nginx.http.limit_conn.requests', { 'nginx.zone.name': 'addr', 'nginx.limit_conn.outcome': 'REJECTED' }),
    1,
  );

  const backend = { 'nginx.upstream.name': 'backend', 'nginx.zone.name': 'upstream_backend' };
  const app1 = { ...backend, ...peer('backend', 'app1.internal:8088', '10.0.0.1:8088') };
  assert.equal(value('nginx.http.upstream.peer.requests', app1), 667231);
  assert.equal(value('nginx.http.upstream.peer.header.time', app1), 20);
  assert.equal(metricNamed(metrics, 'nginx.http.upstream.peer.header.time').unit, 'ms');
  assert.equal(value('nginx.http.upstream.peer.responses', { ...app1, 'nginx.status_range': '4xx' }), 915);
  assert.equal(value('nginx.http.upstream.peer.io', { ...app1, 'nginx.io.direction': 'receive' }), 19222475454);
  assert.equal(value('nginx.http.upstream.peer.health_checks', { ...app1, 'nginx.health_check': 'UNHEALTHY' }), 1);
  assert.equal(value('nginx.http.upstream.peer.state', { ...app1, 'nginx.peer.state': 'UP' }), 1);
  assert.equal(value('nginx.http.upstream.peer.state', { ...app1, 'nginx.peer.state': 'DRAINING' }), 0);
  assert.equal(value('nginx.http.upstream.peer.count', { ...backend, 'nginx.peer.state': 'UP' }), 1);
  assert.equal(value('nginx.http.upstream.peer.count', { ...backend, 'nginx.peer.state': 'DRAINING' }), 1);
  assert.equal(value('nginx.http.upstream.peer.count', { ...backend, 'nginx.peer.state': 'UNHEALTHY' }), 1);
  assert.equal(value('nginx.http.upstream.queue.overflows', backend), 7);
  assert.equal(value('nginx.http.upstream.zombie.count', backend), 1);
  // The unhealthy backup peer has no timings yet: no points for them.
  const app3 = { ...backend, ...peer('backend', 'app3.internal:8088', '10.0.0.3:8088') };
  assert.throws(() => value('nginx.http.upstream.peer.header.time', app3), /No point/);

  assert.equal(
    value('nginx.cache.bytes_read', { 'nginx.cache.name': 'http-cache', 'nginx.cache.outcome': 'MISS' }),
    53841943822,
  );
  assert.equal(value('nginx.cache.memory.limit', { 'nginx.cache.name': 'http-cache' }), 536870912);
  const slab = { 'nginx.zone.name': 'upstream_backend' };
  assert.equal(value('nginx.slab.page.limit', slab), 1143 + 2928);
  assert.equal(value('nginx.slab.page.utilization', slab), (1143 / (1143 + 2928)) * 100);
  const slot = pointOf(metricNamed(metrics, 'nginx.slab.slot.allocations'), {
    ...slab,
    'nginx.slab.slot.allocation.result': 'FAILURE',
  } as Record<string, string>);
  assert.ok(slot.attributes['nginx.slab.slot.limit'] === 64 || slot.attributes['nginx.slab.slot.limit'] === 256);
  assert.equal(value('nginx.ssl.handshakes'), 79572);
  assert.equal(value('nginx.ssl.handshakes', { 'nginx.ssl.status': 'REUSE' }), 15762);
  assert.equal(
    value('nginx.ssl.handshakes', { 'nginx.ssl.handshake.reason': 'TIMEOUT', 'nginx.ssl.status': 'FAILED' }),
    7,
  );
  assert.equal(
    value('nginx.ssl.certificate.verify_failures', { 'nginx.ssl.verify_failure.reason': 'HOSTNAME_MISMATCH' }),
    5,
  );
  assert.equal(
    value('nginx.stream.session.status', { 'nginx.zone.name': 'mysql-frontend', 'nginx.status_range': '4xx' }),
    20,
  );
  const db1 = { 'nginx.zone.name': 'mysql_backends', ...peer('mysql_backends', 'db1.internal:3306', '10.0.0.1:3306') };
  assert.equal(value('nginx.stream.upstream.peer.ttfb.time', db1), 3);
  assert.equal(value('nginx.stream.upstream.peer.state', { ...db1, 'nginx.peer.state': 'UP' }), 1);
  assert.equal(
    value('nginx.resolver.responses', {
      'nginx.zone.name': 'resolver_zone1',
      'nginx.resolver.response.outcome': 'TIMEDOUT',
    }),
    243,
  );

  const batch = await harness.collector.collect();
  assert.equal(batch.resourceMetrics[0]?.resource.attributes['instance.type'], 'nginxplus');
  assert.equal(batch.resourceMetrics[0]?.scopeMetrics[0]?.scope.name, '@wasmpipe/collectors/nginx_plus');
  // Counters are cumulative monotonic sums, timings gauges.
  const peerRequests = metricNamed(metrics, 'nginx.http.upstream.peer.requests').data;
  assert.ok(
    peerRequests.type === 'sum' && peerRequests.isMonotonic && peerRequests.aggregationTemporality === 'cumulative',
  );
  assert.equal(metricNamed(metrics, 'nginx.http.upstream.peer.response.time').data.type, 'gauge');
});

test('API 6: limits and location zones are read; no stream block (404) is not an error; no SSL details', async () => {
  const { api, harness, scrape } = await setUp('r22-api6');
  const metrics = await scrape();
  assert.equal(harness.collector.apiVersion, 6);
  assert.ok(api.requests.every((path) => path === '/api/' || path.startsWith('/api/6/')));
  assert.ok(api.requests.includes('/api/6/stream/upstreams'));
  assert.deepEqual(logLines(harness, 'warn'), []);
  assert.equal(
    metrics.some((metric) => metric.name.startsWith('nginx.stream.')),
    false,
  );
  assert.equal(
    pointValue(metrics, 'nginx.http.limit_req.requests', {
      'nginx.zone.name': 'login',
      'nginx.limit_req.outcome': 'REJECTED',
    }),
    12,
  );
  assert.equal((metricNamed(metrics, 'nginx.ssl.handshakes').data.dataPoints as NumberDataPoint[]).length, 3);
  assert.equal(
    metrics.some((metric) => metric.name === 'nginx.ssl.certificate.verify_failures'),
    false,
  );
  assert.equal(
    pointValue(metrics, 'nginx.http.requests', { 'nginx.zone.name': 'www-root', 'nginx.zone.type': 'LOCATION' }),
    250000,
  );
});

test('API 4: endpoints added later (location zones, limits, resolvers) are never asked for', async () => {
  const { api, harness, scrape } = await setUp('r18-api4');
  const metrics = await scrape();
  assert.equal(harness.collector.apiVersion, 4);
  for (const path of ['http/location_zones', 'http/limit_reqs', 'http/limit_conns', 'resolvers']) {
    assert.ok(!api.requests.includes(`/api/4/${path}`), path);
  }
  assert.equal(pointValue(metrics, 'nginx.stream.upstream.peer.connections', { 'nginx.upstream.name': 'dns' }), 155569);
  assert.equal(
    pointValue(metrics, 'nginx.cache.responses', { 'nginx.cache.name': 'static', 'nginx.cache.outcome': 'HIT' }),
    100,
  );
  assert.equal(pointValue(metrics, 'nginx.config.reloads'), 14);
});

test('api_version: a configured version is used when offered, refused with a clear error when not', async () => {
  const { api, harness, scrape } = await setUp('r33-api9', { api_version: 5 });
  assert.equal(pointValue(await scrape(), 'nginx.up'), 1);
  assert.ok(api.requests.includes('/api/5/http/location_zones'));
  assert.ok(!api.requests.includes('/api/5/http/limit_reqs'));
  assert.equal(harness.collector.apiVersion, 5);

  const other = await setUp('r22-api6', { api_version: 8 });
  assert.equal(pointValue(await other.scrape(), 'nginx.up'), 0);
  assert.equal(
    logLines(other.harness, 'warn')[0]?.message,
    `The NGINX Plus API at ${other.api.url}/ does not offer the configured api_version 8; it offers 1, 2, 3, 4, 5, 6. Its metrics are missing and nginx.up is 0 until a scrape succeeds.`,
  );
});

test('the highest known version is picked when the server offers newer ones', () => {
  assert.equal(pickApiVersion([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 9);
  assert.equal(pickApiVersion([4, 2, 3]), 4);
  assert.equal(pickApiVersion([12, 11]), 11);
  assert.equal(pickApiVersion([]), undefined);
});

type Upstreams = Record<string, { peers: Record<string, unknown>[] }>;

test('zones and upstream peers that appear and disappear between scrapes', async () => {
  const { api, scrape } = await setUp('r33-api9');
  const first = await scrape();
  const firstTime = pointOf(metricNamed(first, 'nginx.up')).timeUnixNano;
  const backend = { 'nginx.upstream.name': 'backend' };
  const app = (n: number) => ({ ...backend, 'nginx.peer.name': `app${n}.internal:8088` });
  const startOf = (metrics: Metric[], attributes: Record<string, string>) =>
    pointOf(metricNamed(metrics, 'nginx.http.upstream.peer.requests'), attributes).startTimeUnixNano;
  const app1Start = startOf(first, app(1));

  // app2 is removed, app4 is added with 40 requests; zone site2 goes, site3 comes.
  const upstreams = structuredClone(api.responses.get('http/upstreams')) as Upstreams;
  const peers = upstreams['backend']!.peers;
  const app2 = peers.splice(1, 1)[0] as Record<string, unknown>;
  peers.push({
    ...structuredClone(app2),
    id: 3,
    server: '10.0.0.4:8088',
    name: 'app4.internal:8088',
    state: 'up',
    requests: 40,
  });
  (peers[0] as { requests: number }).requests += 100;
  api.responses.set('http/upstreams', upstreams);
  const zones = structuredClone(api.responses.get('http/server_zones')) as Record<string, Record<string, unknown>>;
  zones['site3'] = { ...zones['site2'], requests: 77 };
  delete zones['site2'];
  (zones['site1'] as { requests: number }).requests += 10;
  api.responses.set('http/server_zones', zones);

  const second = await scrape();
  const secondTime = pointOf(metricNamed(second, 'nginx.up')).timeUnixNano;
  assert.throws(() => startOf(second, app(2)), /No point/);
  assert.equal(startOf(second, app(1)), app1Start);
  assert.equal(startOf(second, app(4)), firstTime, 'a new peer starts at the previous scrape');
  assert.equal(pointValue(second, 'nginx.http.upstream.peer.requests', app(4)), 40);
  assert.equal(pointValue(second, 'nginx.http.upstream.peer.count', { ...backend, 'nginx.peer.state': 'UP' }), 2);
  assert.equal(pointValue(second, 'nginx.http.upstream.peer.count', { ...backend, 'nginx.peer.state': 'DRAINING' }), 0);
  // request.count: the increase for a known zone, the whole count for a new one, none for a gone one.
  const count = (metrics: Metric[], zone: string) =>
    pointValue(metrics, 'nginx.http.request.count', { 'nginx.zone.name': zone, 'nginx.zone.type': 'SERVER' });
  assert.equal(count(second, 'site1'), 10);
  assert.equal(count(second, 'site3'), 77);
  assert.throws(() => count(second, 'site2'), /No point/);

  // app2 comes back: its series starts again at the previous scrape, with its (reset) count.
  const back = structuredClone(upstreams);
  back['backend']!.peers.push({ ...app2, requests: 3 });
  api.responses.set('http/upstreams', back);
  const third = await scrape();
  assert.equal(startOf(third, app(2)), secondTime);
  assert.equal(pointValue(third, 'nginx.http.upstream.peer.requests', app(2)), 3);
  assert.equal(startOf(third, app(1)), app1Start);
});

test('bad JSON from one endpoint: that endpoint is left out, named in one warning, counted; the rest goes on', async () => {
  const { api, harness, scrape } = await setUp('r33-api9');
  await scrape();
  const upstreamsUrl = `${api.url}/9/http/upstreams`;
  api.responses.set('http/upstreams', { raw: '{"backend": {"peers": [{"id": 0, "server": "10.0.0.1:8088", "requ' });
  const truncated = await scrape();
  assert.equal(pointValue(truncated, 'nginx.up'), 1);
  assert.equal(
    truncated.some((metric) => metric.name.startsWith('nginx.http.upstream.')),
    false,
  );
  assert.equal(pointValue(truncated, 'nginx.http.requests'), 10624511);
  const warnings = logLines(harness, 'warn');
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]?.message ?? '',
    new RegExp(
      `^GET ${upstreamsUrl} returned invalid JSON \\(.+\\)\\. The http/upstreams metrics are missing until it recovers\\.$`,
    ),
  );
  await scrape();
  assert.equal(logLines(harness, 'warn').length, 1, 'no second warning for the same failure');

  // A field of the wrong type: the endpoint's partial points are rolled back.
  const upstreams = loadRelease('r33-api9').responses.get('http/upstreams') as Upstreams;
  (upstreams['backend']!.peers[2] as Record<string, unknown>)['requests'] = 'many';
  api.responses.set('http/upstreams', upstreams);
  const wrongType = await scrape();
  assert.equal(
    wrongType.some((metric) => metric.name.startsWith('nginx.http.upstream.')),
    false,
  );
  assert.equal(harness.telemetry.value('nginx_plus', 'wasmpipe.scraper.errors', 'metrics'), 3);

  api.responses.delete('http/upstreams');
  api.responses.set('slabs', { raw: '<html>502 Bad Gateway</html>', status: 502 });
  const recovered = await scrape();
  assert.equal(
    recovered.some((metric) => metric.name.startsWith('nginx.http.upstream.')),
    false,
  );
  const lines = logLines(harness, 'info').map((line) => line.message);
  assert.ok(lines.includes(`The endpoint ${upstreamsUrl} is readable again.`), lines.join('\n'));
  assert.ok(
    lines.some((line) => line.startsWith(`GET ${api.url}/9/slabs answered HTTP 502 ("<html>502 Bad Gateway</html>")`)),
    lines.join('\n'),
  );
});

test('a wrong shape names the JSON path and what was found', async () => {
  const { api, harness, scrape } = await setUp('r33-api9');
  const zones = structuredClone(api.responses.get('http/server_zones')) as Record<string, Record<string, unknown>>;
  (zones['site2'] as Record<string, unknown>)['responses'] = [1, 2];
  api.responses.set('http/server_zones', zones);
  const metrics = await scrape();
  assert.equal(pointValue(metrics, 'nginx.up'), 1);
  assert.equal(
    logLines(harness, 'warn')[0]?.message,
    `GET ${api.url}/9/http/server_zones returned JSON of an unexpected shape: /site2/responses: expected an object, got a list. The http/server_zones metrics are missing until it recovers.`,
  );
  // None of the server zone points survive, site1's included: the endpoint is all or nothing.
  const requests = metricNamed(metrics, 'nginx.http.requests').data.dataPoints as NumberDataPoint[];
  assert.equal(
    requests.some((point) => point.attributes['nginx.zone.type'] === 'SERVER'),
    false,
  );
});

test('API down, a root that lists no versions, truncated /nginx: nginx.up 0, one warning per change', async () => {
  const port = await freePort();
  const down = await startCollector<typeof nginxPlusCollector.config, NginxPlusCollector>(
    nginxPlusCollector,
    { endpoint: `http://127.0.0.1:${port}/api` },
    { start: false },
  );
  for (let index = 0; index < 3; index++) {
    assert.equal(pointValue(metricsOf(await down.collector.collect()), 'nginx.up'), 0);
  }
  assert.equal(logLines(down, 'warn').length, 1);
  assert.match(
    logLines(down, 'warn')[0]?.message ?? '',
    new RegExp(`^GET http://127.0.0.1:${port}/api/ failed: connection refused`),
  );
  assert.equal(down.telemetry.value('nginx_plus', 'wasmpipe.scraper.errors', 'metrics'), 3);

  const { api, harness, scrape } = await setUp('r33-api9');
  api.versions = { versions: [9] };
  assert.equal(pointValue(await scrape(), 'nginx.up'), 0);
  api.versions = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  api.responses.set('nginx', { raw: '{"version":"1.27.2","build":"nginx-plus-r33","gen' });
  const truncated = await scrape();
  assert.deepEqual(
    truncated.map((metric) => metric.name),
    ['nginx.up'],
  );
  api.responses.set('nginx', { raw: '' });
  assert.equal(pointValue(await scrape(), 'nginx.up'), 0);
  assert.deepEqual(
    logLines(harness, 'warn').map((line) => line.message.replace(/\(.*\)/, '(…)')),
    [
      `GET ${api.url}/ did not list API versions: expected a list of integers such as [1,2,3], got {"versions":[9]}. Its metrics are missing and nginx.up is 0 until a scrape succeeds.`,
    ],
  );
  // The same kind of failure (an invalid response) does not warn again; the log says when it is back.
  api.responses.delete('nginx');
  api.responses.set('nginx', { version: '1.27.2', build: 'nginx-plus-r33', generation: 7 });
  const back = await scrape();
  assert.equal(pointValue(back, 'nginx.up'), 1);
  assert.equal(pointValue(back, 'nginx.config.reloads'), 7);
  assert.equal(harness.telemetry.value('nginx_plus', 'wasmpipe.scraper.errors', 'metrics'), 3);
});
