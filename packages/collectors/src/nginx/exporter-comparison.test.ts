// Our stub_status values beside prometheus-nginx-exporter's, read from the same real nginx at the
// same moment. Both scrapers keep one connection alive, so between two scrapes only the request
// counter moves, by one per scrape.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { Metric } from '@wasmpipe/core';
import { metricsOf, shutdownCollectors, startCollector } from '../testing/collector-harness.test-support.ts';
import { nginxSkipReason, sendRequests, startNginx } from '../testing/nginx.test-support.ts';
import { nginxExporterSkipReason, startNginxExporter } from '../testing/nginx-exporter.test-support.ts';
import type { NginxCollector } from './collector.ts';
import { nginxCollector } from './factory.ts';
import { pointValue } from './test-helpers.ts';

afterEach(shutdownCollectors);

/** Our values under the exporter's names. */
function asExporterNames(metrics: Metric[]): Record<string, number> {
  const outcome = (value: string) => ({ 'nginx.connections.outcome': value });
  return {
    nginx_connections_accepted: pointValue(metrics, 'nginx.http.connections', outcome('ACCEPTED')),
    nginx_connections_handled: pointValue(metrics, 'nginx.http.connections', outcome('HANDLED')),
    nginx_connections_active: pointValue(metrics, 'nginx.http.connection.count', outcome('ACTIVE')),
    nginx_connections_reading: pointValue(metrics, 'nginx.http.connection.count', outcome('READING')),
    nginx_connections_writing: pointValue(metrics, 'nginx.http.connection.count', outcome('WRITING')),
    nginx_connections_waiting: pointValue(metrics, 'nginx.http.connection.count', outcome('WAITING')),
    nginx_http_requests_total: pointValue(metrics, 'nginx.http.requests'),
    nginx_up: pointValue(metrics, 'nginx.up'),
  };
}

function pick(samples: Map<string, number>, names: string[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, samples.get(name) as number]));
}

test('our stub_status values equal prometheus-nginx-exporter values for the same moment', {
  skip: nginxSkipReason() || nginxExporterSkipReason(),
  timeout: 120_000,
}, async () => {
  const nginx = await startNginx();
  assert.ok(nginx);
  const exporter = await startNginxExporter(nginx.statusUrl);
  try {
    const harness = await startCollector<typeof nginxCollector.config, NginxCollector>(
      nginxCollector,
      { endpoint: nginx.statusUrl },
      { start: false },
    );
    const ours = async () => asExporterNames(metricsOf(await harness.collector.collect()));
    const names = Object.keys(await ours());
    // Warm up: each scraper opens its kept-alive connection.
    await exporter.scrape();

    for (const traffic of [0, 25, 60]) {
      if (traffic > 0) await sendRequests(`${nginx.baseUrl}/proxy/t`, traffic, { concurrency: 3 });
      const before = await ours();
      const theirs = pick(await exporter.scrape(), names);
      const after = await ours();
      // The exporter's scrape is one request after ours, and ours after is one more.
      assert.deepEqual(theirs, {
        ...before,
        nginx_http_requests_total: (before.nginx_http_requests_total as number) + 1,
      });
      assert.deepEqual(after, {
        ...before,
        nginx_http_requests_total: (before.nginx_http_requests_total as number) + 2,
      });
    }
    // Both saw the test traffic: 85 connections and requests beyond the warm-up.
    const final = pick(await exporter.scrape(), names);
    assert.ok((final.nginx_connections_accepted as number) >= 85);
  } finally {
    await exporter.stop();
    await nginx.stop();
  }
});
