import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countDataPoints, countLogRecords } from '@wasmpipe/core';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import { decodeLogsBatch, decodeMetricsBatch, encodeLogsBatch, encodeMetricsBatch, scanMetricsBytes } from './codec.ts';
import { applyLogsSelection, applyMetricsSelection, countMetrics, selectionBitmap } from './selection.ts';
import { applyLogsSelectionToBytes, applyMetricsSelectionToBytes } from './selection-bytes.ts';

/** A deterministic pseudo-random bit source, so a failure can be replayed. */
function randomBits(seed: number): (count: number, density: number) => boolean[] {
  let state = seed;
  return (count, density) =>
    Array.from({ length: count }, () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x7fffffff < density;
    });
}

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

  it('drops points by a point bitmap, and metrics left without points', () => {
    // Points in traversal order: gauge 0, sum 1-2, histogram 3, exponential 4, summary 5.
    const batch = applyMetricsSelection(
      sampleMetricsBatch(),
      undefined,
      selectionBitmap([false, true, false, true, true, false]),
    );
    assert.deepEqual(names(batch), [
      'system.network.io',
      'system.cpu.time',
      'nginx.request.duration',
      'nginx.upstream.latency',
    ]);
    const network = batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data.dataPoints;
    assert.deepEqual(
      network?.map((point) => point.attributes['direction']),
      ['receive'],
    );
    assert.equal(countDataPoints(batch), 3);
  });

  it('counts the points of metrics the metric bitmap drops in the point bitmap', () => {
    assert.throws(
      () => applyMetricsSelection(sampleMetricsBatch(), selectionBitmap([true]), new Uint8Array(2)),
      /has 2 byte\(s\); a batch of 6 data points needs 1/,
    );
  });
});

describe('selection on bytes', () => {
  it('gives the same batch as the selection on the tree, for random bitmaps', () => {
    const next = randomBits(42);
    for (let round = 0; round < 200; round++) {
      const source = sampleMetricsBatch();
      const keep = round % 3 === 0 ? undefined : selectionBitmap(next(countMetrics(source), 0.7));
      const keepPoints = round % 3 === 1 ? undefined : selectionBitmap(next(countDataPoints(source), 0.6));
      const fromTree = applyMetricsSelection(sampleMetricsBatch(), keep, keepPoints);
      const selected = applyMetricsSelectionToBytes(encodeMetricsBatch(source), keep, keepPoints);
      const counts = scanMetricsBytes(selected.bytes);
      assert.deepStrictEqual(decodeMetricsBatch(selected.bytes), fromTree, `round ${round}`);
      assert.equal(selected.points, countDataPoints(fromTree));
      assert.equal(counts.items, selected.points);
      assert.equal(selected.items, countMetrics(fromTree));
      assert.equal(selected.resources, fromTree.resourceMetrics.length);
    }
  });

  it('keeps the integer bits of the points it keeps', () => {
    const source = sampleMetricsBatch();
    // Keep only the second point of system.network.io (an integer with flags).
    const keepPoints = selectionBitmap([false, false, true, false, false, false]);
    const selected = decodeMetricsBatch(
      applyMetricsSelectionToBytes(encodeMetricsBatch(source), undefined, keepPoints).bytes,
    );
    assert.deepStrictEqual(selected.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.data.dataPoints, [
      {
        attributes: { direction: 'transmit' },
        startTimeUnixNano: 1_700_000_000_000_000_000n,
        timeUnixNano: 1_700_000_010_123_456_789n,
        value: 42,
        isInteger: true,
        flags: 1,
      },
    ]);
  });

  it('selects log records', () => {
    const next = randomBits(7);
    for (let round = 0; round < 20; round++) {
      const keep = selectionBitmap(next(2, 0.5));
      const fromTree = applyLogsSelection(sampleLogsBatch(), keep);
      const selected = applyLogsSelectionToBytes(encodeLogsBatch(sampleLogsBatch()), keep);
      assert.deepStrictEqual(decodeLogsBatch(selected.bytes), fromTree);
      assert.equal(selected.items, countLogRecords(fromTree));
    }
  });

  it('refuses bitmaps of the wrong length', () => {
    const bytes = encodeMetricsBatch(sampleMetricsBatch());
    assert.throws(() => applyMetricsSelectionToBytes(bytes, new Uint8Array(2), undefined), /6 metrics needs 1/);
    assert.throws(() => applyMetricsSelectionToBytes(bytes, undefined, new Uint8Array(0)), /6 data points needs 1/);
  });
});
