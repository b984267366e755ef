import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsBatch } from '@wasmpipe/core';
import { CONTRACT_VERSION } from '@wasmpipe/host-wapc';
import { answerKind, loadPlugin, readPlugin } from '../testing/fixtures.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/samples.ts';

// build/check.wasm (assembly/check.ts): adds `checked: "checked"` to every data point, and keeps
// every other log record.
const CHECK = new URL('../build/check.wasm', import.meta.url);

describe('the AssemblyScript SDK, through the real host', () => {
  it('describes the plugin with the contract version it was built for', async () => {
    const plugin = await loadPlugin(await readPlugin(CHECK));
    assert.deepEqual(await plugin.describe(), {
      name: 'sdk-check',
      version: '0.0.0',
      contractVersion: CONTRACT_VERSION,
      signals: ['metrics', 'logs'],
    });
  });

  it('writes a changed batch back with every metric type intact', async () => {
    const plugin = await loadPlugin(await readPlugin(CHECK));
    const expected = sampleMetricsBatch();
    for (const resource of expected.resourceMetrics) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.data.dataPoints) point.attributes['checked'] = 'checked';
        }
      }
    }
    const result = await plugin.processMetrics(sampleMetricsBatch());
    assert.deepStrictEqual({ resourceMetrics: result.resourceMetrics }, expected);
  });

  it('answers a selection when it only drops records', async () => {
    const bytes = await readPlugin(CHECK);
    const plugin = await loadPlugin(bytes);
    const result = await plugin.processLogs(sampleLogsBatch());
    assert.equal(result.resourceLogs[0]?.scopeLogs[0]?.logRecords.length, 1);
    assert.equal(
      await answerKind(bytes, {
        description: 'every other record',
        signal: 'logs',
        answer: 'keep',
        input: sampleLogsBatch(),
        output: sampleLogsBatch(),
      }),
      'keep',
    );
  });

  it('handles an empty batch', async () => {
    const plugin = await loadPlugin(await readPlugin(CHECK));
    const empty: MetricsBatch = { resourceMetrics: [] };
    assert.deepEqual({ resourceMetrics: (await plugin.processMetrics(empty)).resourceMetrics }, empty);
  });

  it('rejects config it does not know, with its own message', async () => {
    await assert.rejects(
      loadPlugin(await readPlugin(CHECK), { drop: true }),
      /Unknown option "drop"; known options: keep/,
    );
    await assert.rejects(loadPlugin(await readPlugin(CHECK), [1]), /must be a map|configure failed/);
  });
});
