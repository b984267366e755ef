import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsBatch } from '@wasmpipe/core';
import { CONTRACT_VERSION } from '@wasmpipe/host-wapc';
import { checkFixture, loadPlugin, readFixtures, readPlugin } from '../../sdk-assemblyscript/testing/fixtures.ts';

const WASM = new URL('../build/filter.wasm', import.meta.url);
const fixtures = await readFixtures(new URL('../__fixtures__/', import.meta.url));

const names = (batch: MetricsBatch) =>
  batch.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));

describe('filter fixtures (input -> output through the real host)', () => {
  for (const [name, fixture] of fixtures) {
    it(`${name}: ${fixture.description}`, async () => checkFixture(await readPlugin(WASM), name, fixture));
  }
});

describe('filter', () => {
  it('describes itself', async () => {
    const plugin = await loadPlugin(await readPlugin(WASM));
    assert.deepEqual(await plugin.describe(), {
      name: 'filter',
      version: '0.2.0',
      contractVersion: CONTRACT_VERSION,
      signals: ['metrics', 'logs'],
    });
  });

  it('matches ? against one character of a non-ASCII name', async () => {
    const plugin = await loadPlugin(await readPlugin(WASM), { exclude: ['temp.?.max'] });
    const batch: MetricsBatch = {
      resourceMetrics: [
        {
          resource: { attributes: {} },
          scopeMetrics: [
            {
              scope: { name: 's' },
              metrics: ['temp.ü.max', 'temp.üü.max', 'temp.a.max'].map((name) => ({
                name,
                data: { type: 'gauge' as const, dataPoints: [] },
              })),
            },
          ],
        },
      ],
    };
    assert.deepEqual(names(await plugin.processMetrics(batch)), ['temp.üü.max']);
  });

  it('rejects invalid config with a message naming the option, and keeps the previous config', async () => {
    const bytes = await readPlugin(WASM);
    const plugin = await loadPlugin(bytes, { exclude: ['system.*'] });
    const cases: [unknown, RegExp][] = [
      [{ exclude: 'system.*' }, /Option "exclude" must be a list of glob strings/],
      [{ exclude: [1] }, /Option "exclude\[0\]" must be a string/],
      [
        { drop: [] },
        /Unknown option "drop"; known options: exclude, exclude_points, exclude_records, include, min_severity/,
      ],
      [['list'], /must be a map/],
      [{ exclude_points: [{}] }, /Option "exclude_points\[0\]" must be a map of attribute key to value glob/],
      [{ exclude_points: [{ state: ['a'] }] }, /Option "exclude_points\[0\]\.state" must be a glob/],
      [{ min_severity: 'LOUD' }, /Option "min_severity" must be a SeverityNumber from 1 to 24 or one of TRACE/],
      [{ min_severity: 30 }, /min_severity/],
    ];
    for (const [config, message] of cases) await assert.rejects(plugin.configure(config), message);
    const batch: MetricsBatch = {
      resourceMetrics: [
        {
          resource: { attributes: {} },
          scopeMetrics: [
            {
              scope: { name: 's' },
              metrics: ['system.cpu.time', 'nginx.requests'].map((name) => ({
                name,
                data: { type: 'gauge' as const, dataPoints: [] },
              })),
            },
          ],
        },
      ],
    };
    assert.deepEqual(names(await plugin.processMetrics(batch)), ['nginx.requests']);
  });
});
