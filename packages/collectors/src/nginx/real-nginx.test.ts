// The nginx collector against a real nginx started by the test harness: exact counter movements,
// restarts, reloads, TLS (server verification and client certificates), and discovery.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { getPlatform, type Metric } from '@wasmpipe/core';
import { discoverNginx } from '../nginx-discovery/discover.ts';
import { ScrapeClient } from '../nginx-shared/http-client.ts';
import { nginxInstanceId } from '../nginx-shared/instance.ts';
import { logLines, metricsOf, shutdownCollectors, startCollector } from '../testing/collector-harness.test-support.ts';
import {
  freePort,
  type NginxInstance,
  nginxSkipReason,
  sendRequests,
  startNginx,
} from '../testing/nginx.test-support.ts';
import type { NginxCollector } from './collector.ts';
import { nginxCollector } from './factory.ts';
import { parseStubStatus } from './parse-stub-status.ts';
import { fixturePath, metricNamed, pointOf, pointValue } from './test-helpers.ts';

afterEach(shutdownCollectors);

const skip = nginxSkipReason();
const OUTCOME = 'nginx.connections.outcome';
const options = { skip, timeout: 120_000 };

async function collectorFor(input: Record<string, unknown>) {
  const harness = await startCollector<typeof nginxCollector.config, NginxCollector>(nginxCollector, input, {
    start: false,
  });
  return { harness, scrape: async () => metricsOf(await harness.collector.collect()) };
}

const accepted = (metrics: Metric[]) => pointValue(metrics, 'nginx.http.connections', { [OUTCOME]: 'ACCEPTED' });
const handled = (metrics: Metric[]) => pointValue(metrics, 'nginx.http.connections', { [OUTCOME]: 'HANDLED' });
const requests = (metrics: Metric[]) => pointValue(metrics, 'nginx.http.requests');
const current = (metrics: Metric[], outcome: string) =>
  pointValue(metrics, 'nginx.http.connection.count', { [OUTCOME]: outcome });

async function withNginx(body: (nginx: NginxInstance) => Promise<void>, extra: Parameters<typeof startNginx>[0] = {}) {
  const nginx = await startNginx(extra);
  assert.ok(nginx, 'nginx is required here');
  try {
    await body(nginx);
  } finally {
    await nginx.stop();
  }
}

test('counters move by exactly the requests and connections sent, plus the collector own scrape', options, async () => {
  await withNginx(async (nginx) => {
    const { scrape } = await collectorFor({ endpoint: nginx.statusUrl });
    const before = await scrape();
    assert.equal(pointValue(before, 'nginx.up'), 1);

    // 37 requests, each on its own connection (Connection: close).
    const sent = await sendRequests(`${nginx.baseUrl}/`, 37, { concurrency: 4 });
    assert.ok(sent.every((response) => response.status === 200));
    const after = await scrape();
    // The collector keeps its one connection alive, so only the test's connections are new; its
    // scrape is one more request.
    assert.equal(accepted(after) - accepted(before), 37);
    assert.equal(handled(after) - handled(before), 37);
    assert.equal(requests(after) - requests(before), 37 + 1);
    assert.equal(pointValue(after, 'nginx.http.request.count'), 37 + 1);
    // The scrape itself is the one connection being written to.
    assert.equal(current(after, 'WRITING'), 1);
    assert.equal(current(after, 'READING'), 0);
    assert.equal(
      current(after, 'ACTIVE'),
      current(after, 'READING') + current(after, 'WRITING') + current(after, 'WAITING'),
    );

    // 20 requests over one kept-alive connection: one connection, 20 requests.
    await sendRequests(`${nginx.baseUrl}/proxy/x`, 20, { concurrency: 1, keepAlive: true });
    const third = await scrape();
    assert.equal(accepted(third) - accepted(after), 1);
    assert.equal(requests(third) - requests(after), 20 + 1);
    assert.equal(pointValue(third, 'nginx.http.request.count'), 21);
    // All of it is one series: the start time never moved.
    const start = pointOf(metricNamed(before, 'nginx.http.requests')).startTimeUnixNano;
    assert.equal(pointOf(metricNamed(third, 'nginx.http.requests')).startTimeUnixNano, start);
  });
});

test('a reload keeps the counters; a restart resets them, and the collector notices', options, async () => {
  const first = await startNginx();
  assert.ok(first);
  let second: NginxInstance | undefined;
  try {
    const { harness, scrape } = await collectorFor({ endpoint: first.statusUrl });
    await sendRequests(`${first.baseUrl}/`, 10);
    const before = await scrape();
    await first.reload();
    const reloaded = await scrape();
    assert.equal(requests(reloaded) - requests(before), 1);
    const start = pointOf(metricNamed(before, 'nginx.http.requests')).startTimeUnixNano;
    assert.equal(pointOf(metricNamed(reloaded, 'nginx.http.requests')).startTimeUnixNano, start);

    await first.stop();
    const down = await scrape();
    assert.deepEqual(
      down.map((metric) => metric.name),
      ['nginx.up'],
    );
    assert.equal(pointValue(down, 'nginx.up'), 0);
    assert.equal((await scrape()).length, 1);

    second = await startNginx({ port: first.port });
    assert.ok(second);
    const restarted = await scrape();
    assert.equal(pointValue(restarted, 'nginx.up'), 1);
    assert.equal(requests(restarted), 1, 'a fresh nginx has served only this scrape');
    // The totals went down: a new series, starting at the last successful scrape.
    const newStart = pointOf(metricNamed(restarted, 'nginx.http.requests')).startTimeUnixNano as bigint;
    assert.equal(newStart, pointOf(metricNamed(reloaded, 'nginx.http.requests')).timeUnixNano);
    assert.equal(pointValue(restarted, 'nginx.http.request.count'), 1);

    const lines = logLines(harness, 'info');
    assert.equal(lines.length, 2, JSON.stringify(lines));
    assert.match(lines[0]?.message ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/nginx_status failed: connection refused/);
    assert.equal(lines[0]?.level, 'warn');
    assert.equal(lines[1]?.message, `The stub_status page ${first.statusUrl} is readable again.`);
    assert.equal(harness.telemetry.value('nginx', 'wasmpipe.scraper.errors', 'metrics'), 2);
  } finally {
    await first.stop();
    await second?.stop();
  }
});

test(
  'TLS: verifies the server against ca_file, sends a client certificate, or skips verification',
  options,
  async () => {
    const tlsPort = await freePort();
    const mtlsPort = await freePort();
    const certificate = `ssl_certificate ${fixturePath('tls/server.pem')};\n    ssl_certificate_key ${fixturePath('tls/server-key.pem')};`;
    const httpSnippet = `
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ${certificate}
    location = /nginx_status { stub_status; }
  }
  server {
    listen 127.0.0.1:${mtlsPort} ssl;
    ${certificate}
    ssl_client_certificate ${fixturePath('tls/ca.pem')};
    ssl_verify_client on;
    location = /nginx_status { stub_status; }
  }
`;
    await withNginx(
      async () => {
        const tlsUrl = `https://127.0.0.1:${tlsPort}/nginx_status`;
        const mtlsUrl = `https://127.0.0.1:${mtlsPort}/nginx_status`;
        const up = async (input: Record<string, unknown>) => {
          const { harness, scrape } = await collectorFor(input);
          return { up: pointValue(await scrape(), 'nginx.up'), warning: logLines(harness, 'warn')[0]?.message };
        };
        const verified = await up({ endpoint: tlsUrl, tls: { ca_file: fixturePath('tls/ca.pem') } });
        assert.deepEqual(verified, { up: 1, warning: undefined });
        const unverified = await up({ endpoint: tlsUrl });
        assert.equal(unverified.up, 0);
        assert.match(unverified.warning ?? '', new RegExp(`^GET ${tlsUrl} failed TLS: .*certificate`, 'i'));
        assert.deepEqual(await up({ endpoint: tlsUrl, tls: { insecure_skip_verify: true } }), {
          up: 1,
          warning: undefined,
        });

        const withoutClientCertificate = await up({ endpoint: mtlsUrl, tls: { ca_file: fixturePath('tls/ca.pem') } });
        assert.equal(withoutClientCertificate.up, 0);
        assert.match(
          withoutClientCertificate.warning ?? '',
          new RegExp(`^GET ${mtlsUrl} answered HTTP 400 .*No required SSL certificate was sent`),
        );
        const withClientCertificate = await up({
          endpoint: mtlsUrl,
          tls: {
            ca_file: fixturePath('tls/ca.pem'),
            cert_file: fixturePath('tls/client.pem'),
            key_file: fixturePath('tls/client-key.pem'),
          },
        });
        assert.deepEqual(withClientCertificate, { up: 1, warning: undefined });
      },
      { httpSnippet },
    );
  },
);

test('discover: true finds the stub_status location in the real nginx.conf', options, async () => {
  await withNginx(
    async (nginx) => {
      const { harness, scrape } = await collectorFor({ discover: true, config_path: nginx.configPath });
      await sendRequests(`${nginx.baseUrl}/`, 3);
      const metrics = await scrape();
      assert.equal(pointValue(metrics, 'nginx.up'), 1);
      assert.ok(requests(metrics) >= 4);
      assert.deepEqual(logLines(harness, 'warn'), []);
      const batch = await harness.collector.collect();
      assert.equal(
        batch.resourceMetrics[0]?.resource.attributes['instance.id'],
        await nginxInstanceId(nginx.configPath),
      );
    },
    { statusPath: '/basic_status' },
  );
});

test(
  'a status page on a unix socket: discovery finds the socket and the client reads through it',
  options,
  async () => {
    const socketDirectory = await mkdtemp(join(tmpdir(), 'wasmpipe-sock-'));
    const socketPath = join(socketDirectory, 'status.sock');
    try {
      await withNginx(
        async (nginx) => {
          const found = await discoverNginx({ configPath: nginx.configPath });
          const unix = found.stubStatus.find((endpoint) => endpoint.socketPath !== undefined);
          assert.deepEqual(
            { url: unix?.url, socketPath: unix?.socketPath, hostHeader: unix?.hostHeader },
            { url: 'http://status.sock.local/unix_status', socketPath, hostHeader: 'status.sock.local' },
          );
          const client = new ScrapeClient({
            headers: {},
            timeoutMillis: 5000,
            tls: { insecure_skip_verify: false },
            maxBodyBytes: 65536,
            platform: getPlatform(),
          });
          try {
            const response = await client.get(unix?.url as string, {
              socketPath,
              headers: { host: 'status.sock.local' },
            });
            assert.ok(parseStubStatus(response.body).requests >= 1);
          } finally {
            client.close();
          }
        },
        {
          httpSnippet: `  server {\n    listen unix:${socketPath};\n    server_name status.sock.local;\n    location = /unix_status { stub_status; }\n  }\n`,
        },
      );
    } finally {
      await rm(socketDirectory, { recursive: true, force: true });
    }
  },
);
