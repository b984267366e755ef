import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, type MetricsBatch } from '@wasmpipe/core';
import { readFilterWasm, sampleMetricsBatch } from '../testing/fixtures.ts';
import { buildGuestImporting, buildTestGuest } from '../testing/guests.ts';
import { buildModule } from '../testing/wasm-builder.ts';
import { CONTRACT_VERSION } from './contract.ts';
import { sha256Hex } from './validate-module.ts';
import { isPluginTrap, WapcPlugin } from './wapc-plugin.ts';

const names = (batch: MetricsBatch) =>
  batch.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));

async function filter(config: unknown): Promise<WapcPlugin> {
  const plugin = await WapcPlugin.load(await readFilterWasm());
  await plugin.configure(config);
  return plugin;
}

describe('WapcPlugin with the filter plugin', () => {
  it('describes itself', async () => {
    const plugin = await WapcPlugin.load(await readFilterWasm());
    assert.deepEqual(await plugin.describe(), {
      name: 'filter',
      version: '0.2.0',
      contractVersion: CONTRACT_VERSION,
      signals: ['metrics', 'logs'],
    });
  });

  it('drops metrics matching an exclude glob and leaves everything else intact', async () => {
    const plugin = await filter({ exclude: ['system.cpu.*'] });
    const batch = sampleMetricsBatch();
    const expected = sampleMetricsBatch();
    const scope = expected.resourceMetrics[0]?.scopeMetrics[0];
    if (scope) scope.metrics = scope.metrics.filter((metric) => !metric.name.startsWith('system.cpu.'));
    const result = await plugin.processMetrics(batch);
    assert.deepStrictEqual(result, expected);
  });

  it('keeps only includes, then applies excludes', async () => {
    const plugin = await filter({ include: ['nginx.*', 'system.network.?o'], exclude: ['*.size'] });
    assert.deepEqual(names(await plugin.processMetrics(sampleMetricsBatch())), [
      'system.network.io',
      'nginx.request.duration',
      'nginx.upstream.latency',
    ]);
  });

  it('answers "unchanged" when nothing matches, and handles an empty batch', async () => {
    const plugin = await filter({ exclude: ['nothing.matches'] });
    assert.deepStrictEqual(await plugin.processMetrics(sampleMetricsBatch()), sampleMetricsBatch());
    assert.deepEqual(await plugin.processMetrics({ resourceMetrics: [] }), { resourceMetrics: [] });
    const everything = await filter({ exclude: ['*'] });
    assert.deepEqual(await everything.processMetrics(sampleMetricsBatch()), { resourceMetrics: [] });
  });

  it('matches ? against one character of a non-ASCII name', async () => {
    const plugin = await filter({ exclude: ['temp.?.max'] });
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

  it('rejects invalid config with the plugin message, and keeps the previous config', async () => {
    const plugin = await filter({ exclude: ['system.*'] });
    await assert.rejects(plugin.configure({ exclude: 'system.*' }), /Option "exclude" must be a list of glob strings/);
    await assert.rejects(plugin.configure({ exclude: [1] }), /Option "exclude\[0\]" must be a string/);
    await assert.rejects(
      plugin.configure({ drop: [] }),
      /Unknown option "drop"; known options: exclude, exclude_points, exclude_records, include, min_severity/,
    );
    await assert.rejects(plugin.configure(['list']), /must be a map/);
    assert.deepEqual(names(await plugin.processMetrics(sampleMetricsBatch())).length, 3);
  });
});

describe('WapcPlugin validation', () => {
  it('refuses a module whose sha256 does not match the pin', async () => {
    const bytes = await readFilterWasm();
    await assert.rejects(
      WapcPlugin.load(bytes, { sha256: 'ab'.repeat(32) }),
      /SHA-256 is [0-9a-f]{64}, but the config pins abab/,
    );
    await WapcPlugin.load(bytes, { sha256: (await sha256Hex(bytes)).toUpperCase() });
  });

  it('refuses a file that is not WebAssembly', async () => {
    await assert.rejects(WapcPlugin.load(new TextEncoder().encode('#!/bin/sh\n')), /not a WebAssembly module/);
  });

  it('refuses imports from outside "wapc", naming them', async () => {
    await assert.rejects(
      WapcPlugin.load(buildGuestImporting('env', 'abort')),
      /imports "env\.abort" \(function\); plugins may import only from "wapc"/,
    );
    await assert.rejects(
      WapcPlugin.load(buildGuestImporting('wapc', 'open_file')),
      /"wapc\.open_file" \(function\), which is not a waPC protocol/,
    );
  });

  it('refuses a module without the required exports', async () => {
    await assert.rejects(
      WapcPlugin.load(buildModule({ imports: [], body: [0x41, 0x01], exportMemory: false })),
      /does not export its "memory"/,
    );
  });
});

describe('WapcPlugin traps', () => {
  it('reports a trap, then serves the next call from a fresh instance', async () => {
    const plugin = await WapcPlugin.load(buildTestGuest('trap'), { logger: createLogger({ write: () => {} }) });
    const error = await plugin.processMetrics(sampleMetricsBatch()).catch((caught: unknown) => caught);
    assert.ok(isPluginTrap(error), String(error));
    assert.match(String(error), /trapped in process_metrics/);
    assert.equal((await plugin.describe()).name, 'test-guest');
  });

  it('passes batches through a guest that answers "unchanged"', async () => {
    const plugin = await WapcPlugin.load(buildTestGuest('unchanged'));
    assert.deepStrictEqual(await plugin.processMetrics(sampleMetricsBatch()), sampleMetricsBatch());
  });
});
