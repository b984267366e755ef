import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import { applyLogsSelection, applyMetricsSelection, countMetrics, selectionBitmap } from './selection.ts';

const names = (batch: ReturnType<typeof sampleMetricsBatch>) =>
  batch.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));

describe('selection', () => {
  it('builds bitmaps least significant bit first', () => {
    assert.deepEqual([...selectionBitmap([true, false, true, false, false, false, false, false, true])], [0b101, 0b1]);
  });

  it('keeps the selected metrics in place', () => {
    const batch = sampleMetricsBatch();
    const original = batch.resourceMetrics[1]?.resource;
    const result = applyMetricsSelection(batch, selectionBitmap([false, true, false, true, false, true]));
    assert.equal(result, batch);
    assert.deepEqual(names(result), ['system.network.io', 'nginx.request.duration', 'nginx.response.size']);
    assert.equal(result.resourceMetrics[1]?.resource, original);
  });

  it('removes scopes and resources left empty', () => {
    const batch = applyMetricsSelection(
      sampleMetricsBatch(),
      selectionBitmap([false, false, false, true, false, false]),
    );
    assert.equal(batch.resourceMetrics.length, 1);
    assert.equal(batch.resourceMetrics[0]?.resource.attributes['service.name'], 'nginx');
    assert.deepEqual(applyMetricsSelection(sampleMetricsBatch(), new Uint8Array(1)), { resourceMetrics: [] });
  });

  it('refuses a bitmap of the wrong length before changing anything', () => {
    const batch = sampleMetricsBatch();
    assert.throws(
      () => applyMetricsSelection(batch, new Uint8Array(2)),
      /has 2 byte\(s\); a batch of 6 metrics needs 1/,
    );
    assert.equal(countMetrics(batch), 6);
  });

  it('keeps the selected log records', () => {
    const batch = applyLogsSelection(sampleLogsBatch(), selectionBitmap([false, true]));
    assert.equal(batch.resourceLogs[0]?.scopeLogs[0]?.logRecords.length, 1);
    assert.deepEqual(batch.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.body, { structured: ['body', 1] });
  });
});
