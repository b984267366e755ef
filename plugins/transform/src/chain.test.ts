import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsBatch } from '@wasmpipe/core';
import { countDataPoints } from '@wasmpipe/core';
import { isWireBatch } from '@wasmpipe/host-wapc';
import { loadPlugin, parseFixture, readPlugin } from '../../sdk-assemblyscript/testing/fixtures.ts';

const plugin = (name: string) => readPlugin(new URL(`../../${name}/build/${name}.wasm`, import.meta.url));

const T0 = '"1700000000000000000n"';
const T1 = '"1700000010000000000n"';
const point = (attributes: object, value: number) =>
  `{"attributes": ${JSON.stringify(attributes)}, "startTimeUnixNano": ${T0}, "timeUnixNano": ${T1}, "value": ${value}}`;

function batch(points: string, resource: object, unit: string, name: string): MetricsBatch {
  const metrics = `[{"name": "${name}", "unit": "${unit}", "data": {"type": "gauge", "dataPoints": [${points}]}}]`;
  const text = `{"resourceMetrics": [{"resource": {"attributes": ${JSON.stringify(resource)}}, "scopeMetrics": [{"scope": {"name": "s"}, "metrics": ${metrics}}]}]}`;
  return parseFixture(
    `{"description": "", "signal": "metrics", "answer": "replace", "input": ${text}, "output": ${text}}`,
  ).input as MetricsBatch;
}

describe('a chain of plugins: filter -> enrich -> transform', () => {
  it('hands bytes from plugin to plugin and decodes once, at the end', async () => {
    const filter = await loadPlugin(await plugin('filter'), {
      exclude_points: [{ 'nginx.peer.address': '10.0.0.9*' }],
    });
    const enrich = await loadPlugin(await plugin('enrich'), {
      resource: { 'deployment.environment': 'production' },
      lookups: [{ from: 'nginx.peer.address', to: 'peer.service', table: { '10.0.0.1:8080': 'checkout' } }],
    });
    const transform = await loadPlugin(await plugin('transform'), {
      rename_metrics: { 'nginx.upstream.response.time': 'nginx.http.upstream.peer.response.time' },
      convert_units: [{ from: 'ms', to: 's' }],
    });
    const input = batch(
      [
        point({ 'nginx.peer.address': '10.0.0.1:8080' }, 250),
        point({ 'nginx.peer.address': '10.0.0.9:8080' }, 40),
      ].join(),
      { 'service.name': 'nginx' },
      'ms',
      'nginx.upstream.response.time',
    );
    const filtered = await filter.processMetrics(input);
    assert.equal(isWireBatch(filtered), true, 'a selection keeps the bytes it applies to');
    const enriched = await enrich.processMetrics(filtered);
    assert.equal(isWireBatch(enriched), true);
    const transformed = await transform.processMetrics(enriched);
    assert.equal(isWireBatch(transformed), true, 'no decode between the plugins');
    assert.equal(countDataPoints(transformed), 1, 'counted without decoding');
    assert.equal(isWireBatch(transformed), true);
    const expected = batch(
      point({ 'nginx.peer.address': '10.0.0.1:8080', 'peer.service': 'checkout' }, 0.25),
      { 'service.name': 'nginx', 'deployment.environment': 'production' },
      's',
      'nginx.http.upstream.peer.response.time',
    );
    assert.deepStrictEqual({ resourceMetrics: transformed.resourceMetrics }, expected);
    assert.equal(isWireBatch(transformed), false, 'reading the tree decoded it, once');
  });
});
