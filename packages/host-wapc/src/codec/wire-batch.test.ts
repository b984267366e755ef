import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { countDataPoints, countLogRecords, type MetricsBatch } from '@wasmpipe/core';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import {
  applyLogsAnswer,
  applyMetricsAnswer,
  decodeMetricsBatch,
  encodeLogsBatch,
  encodeMetricsBatch,
  isEmptyBatch,
  isWireBatch,
  metricsBatchFromBytes,
} from './codec.ts';
import { selectionBitmap } from './selection.ts';

const names = (batch: MetricsBatch) =>
  batch.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)));
const replacing = (bytes: Uint8Array) => new Uint8Array([0x81, ...encode('batch'), ...bytes]);
const keeping = (keep?: Uint8Array, keepPoints?: Uint8Array) =>
  encode({ ...(keep ? { keep } : {}), ...(keepPoints ? { keepPoints } : {}) });

describe('wire batches', () => {
  it('count, and hand on their bytes, without decoding', () => {
    const bytes = encodeMetricsBatch(sampleMetricsBatch());
    const batch = metricsBatchFromBytes(bytes);
    assert.equal(isWireBatch(batch), true);
    assert.equal(countDataPoints(batch), 6);
    assert.equal(isEmptyBatch(batch), false);
    assert.equal(encodeMetricsBatch(batch), bytes, 'the same bytes, not a re-encoding');
    assert.equal(isWireBatch(batch), true, 'counting and encoding did not read the tree');
  });

  it('decode once when the tree is read, then behave as a plain batch', () => {
    const batch = metricsBatchFromBytes(encodeMetricsBatch(sampleMetricsBatch()));
    assert.deepStrictEqual({ resourceMetrics: batch.resourceMetrics }, sampleMetricsBatch());
    assert.equal(isWireBatch(batch), false);
    assert.equal(batch.resourceMetrics, batch.resourceMetrics, 'decoded once');
    batch.resourceMetrics.pop();
    assert.equal(countDataPoints(batch), 3, 'counted from the tree once it was read');
    assert.deepEqual(decodeMetricsBatch(encodeMetricsBatch(batch)).resourceMetrics.length, 1, 'changes are encoded');
  });

  it('survive structuredClone and JSON as plain batches', () => {
    const batch = metricsBatchFromBytes(encodeMetricsBatch(sampleMetricsBatch()));
    assert.deepStrictEqual(structuredClone(batch), sampleMetricsBatch());
    const logs = applyLogsAnswer(
      sampleLogsBatch(),
      encodeLogsBatch(sampleLogsBatch()),
      keeping(selectionBitmap([true, false])),
    );
    assert.equal(
      JSON.parse(JSON.stringify(logs, (_, value) => (typeof value === 'bigint' ? `${value}` : value))).resourceLogs[0]
        .scopeLogs[0].logRecords.length,
      1,
    );
  });

  it('apply a selection to the tree the host holds, and to the bytes only when a plugin needs them', () => {
    const source = sampleMetricsBatch();
    const input = encodeMetricsBatch(source);
    const keep = selectionBitmap([false, true, true, true, true, true]);
    const keepPoints = selectionBitmap([true, true, false, true, true, true]);
    const result = applyMetricsAnswer(source, input, keeping(keep, keepPoints));
    assert.equal(countDataPoints(result), 4);
    const next = encodeMetricsBatch(result);
    assert.notEqual(next, input);
    assert.deepStrictEqual(decodeMetricsBatch(next).resourceMetrics, result.resourceMetrics);
    assert.deepEqual(names(result), [
      'system.network.io',
      'system.cpu.time',
      'nginx.request.duration',
      'nginx.upstream.latency',
      'nginx.response.size',
    ]);
  });

  it('apply a selection to the bytes when the host holds no tree', () => {
    const bytes = encodeMetricsBatch(sampleMetricsBatch());
    const first = applyMetricsAnswer(sampleMetricsBatch(), bytes, replacing(bytes));
    assert.equal(isWireBatch(first), true);
    const second = applyMetricsAnswer(
      first,
      encodeMetricsBatch(first),
      keeping(selectionBitmap([true, false, false, false, false, true])),
    );
    assert.equal(second, first, 'the same wire batch, updated');
    assert.equal(isWireBatch(second), true, 'still bytes');
    assert.equal(countDataPoints(second), 2);
    assert.deepEqual(names(second), ['system.cpu.utilization', 'nginx.response.size']);
  });

  it('keep a replacement as checked bytes', () => {
    const replacement = encodeMetricsBatch({ resourceMetrics: sampleMetricsBatch().resourceMetrics.slice(1) });
    const result = applyMetricsAnswer(
      sampleMetricsBatch(),
      encodeMetricsBatch(sampleMetricsBatch()),
      replacing(replacement),
    );
    assert.equal(isWireBatch(result), true);
    assert.equal(countDataPoints(result), 3);
    assert.deepEqual(encodeMetricsBatch(result), replacement);
  });

  it('refuse a broken answer and leave the batch as it was', () => {
    const source = sampleMetricsBatch();
    const input = encodeMetricsBatch(source);
    assert.throws(
      () => applyMetricsAnswer(source, input, replacing(encode([['s'], [[1]]]))),
      /ResourceMetrics should be a list|tuple/,
    );
    assert.throws(() => applyMetricsAnswer(source, input, keeping(new Uint8Array(3))), /6 metrics needs 1/);
    assert.throws(
      () =>
        applyLogsAnswer(sampleLogsBatch(), encodeLogsBatch(sampleLogsBatch()), keeping(undefined, new Uint8Array(1))),
      /keepPoints/,
    );
    assert.deepStrictEqual(source, sampleMetricsBatch());
  });

  it('report an empty result without decoding it', () => {
    const result = applyLogsAnswer(sampleLogsBatch(), encodeLogsBatch(sampleLogsBatch()), keeping(new Uint8Array(1)));
    assert.equal(isEmptyBatch(result), true);
    assert.equal(countLogRecords(result), 0);
  });
});
