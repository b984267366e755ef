import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import type { MetricsBatch } from '@wasmpipe/core';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import { decodeLogsBatch, decodeMetricsBatch, encodeLogsBatch, encodeMetricsBatch } from './codec.ts';
import { decodeProcessResult } from './process-result.ts';

describe('metrics codec', () => {
  it('round-trips every metric type', () => {
    const batch = sampleMetricsBatch();
    const types = batch.resourceMetrics.flatMap((r) =>
      r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.data.type)),
    );
    assert.deepEqual(new Set(types), new Set(['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary']));
    assert.deepStrictEqual(decodeMetricsBatch(encodeMetricsBatch(batch)), batch);
  });

  it('keeps nanosecond timestamps exact as bigint', () => {
    const decoded = decodeMetricsBatch(encodeMetricsBatch(sampleMetricsBatch()));
    const point = decoded.resourceMetrics[0]?.scopeMetrics[0]?.metrics[1]?.data.dataPoints[0];
    assert.equal(point?.timeUnixNano, 1_700_000_010_123_456_789n);
    assert.equal(point?.startTimeUnixNano, 1_700_000_000_000_000_000n);
  });

  it('round-trips an empty batch', () => {
    const empty: MetricsBatch = { resourceMetrics: [] };
    assert.deepStrictEqual(decodeMetricsBatch(encodeMetricsBatch(empty)), empty);
  });

  it('puts the metric name first in its tuple', () => {
    const bytes = encodeMetricsBatch({
      resourceMetrics: [
        {
          resource: { attributes: {} },
          scopeMetrics: [{ scope: { name: 's' }, metrics: [{ name: 'm', data: { type: 'gauge', dataPoints: [] } }] }],
        },
      ],
    });
    // [ [ [ [{}, nil], [ [ [s, nil, nil, nil], [ ["m", ...
    assert.deepEqual(
      [...bytes.subarray(0, 16)],
      [0x91, 0x91, 0x93, 0x92, 0x80, 0xc0, 0x91, 0x93, 0x94, 0xa1, 0x73, 0xc0, 0xc0, 0xc0, 0x91, 0x98],
    );
    assert.deepEqual([...bytes.subarray(16, 18)], [0xa1, 0x6d]);
  });

  it('rejects a malformed replacement with the field it expected', () => {
    const bad = encode([[[[{}, null], [[['scope'], [['name', null, null, 9, 0, false, []]]]]]]]);
    assert.throws(() => decodeMetricsBatch(bad), /metric\.type should be a MetricType code/);
    assert.throws(() => decodeMetricsBatch(encode([[['not a tuple']]])), /resource should be a list/);
  });
});

describe('logs codec', () => {
  it('round-trips log records with every AnyValue kind', () => {
    const batch = sampleLogsBatch();
    assert.deepStrictEqual(decodeLogsBatch(encodeLogsBatch(batch)), batch);
  });
});

describe('decodeProcessResult', () => {
  it('reads a selection, a replacement and "unchanged"', () => {
    assert.deepEqual(decodeProcessResult(encode({ keep: new Uint8Array([5]) })), {
      kind: 'keep',
      keep: new Uint8Array([5]),
    });
    assert.deepEqual(decodeProcessResult(encode({ batch: [[]] })), { kind: 'replace', batch: [[]] });
    assert.deepEqual(decodeProcessResult(encode({})), { kind: 'unchanged' });
    assert.deepEqual(decodeProcessResult(new Uint8Array(0)), { kind: 'unchanged' });
  });

  it('refuses answers outside the contract', () => {
    assert.throws(() => decodeProcessResult(encode([1])), /other than a map/);
    assert.throws(() => decodeProcessResult(encode({ keep: [1] })), /not bytes/);
    assert.throws(() => decodeProcessResult(encode({ drop: 1 })), /unknown key\(s\): drop/);
  });
});
