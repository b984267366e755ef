import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import type { LogsBatch, MetricsBatch } from '@wasmpipe/core';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import {
  decodeLogsBatch,
  decodeMetricsBatch,
  encodeLogsBatch,
  encodeMetricsBatch,
  scanLogsBytes,
  scanMetricsBytes,
} from './codec.ts';
import { decodeProcessResult } from './process-result.ts';

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');

/** A one-metric batch as the guest would see it, built by hand with a generic msgpack encoder. */
function handBuilt(metric: unknown[], strings: string[] = ['s', 'm']): Uint8Array {
  return encode([strings, [[[{}, null], [[[0, null, null, null], [metric], null]], null]]]);
}
const points = (columns: unknown[]): Uint8Array => encode(columns);
const f64 = (...values: number[]) => new Uint8Array(new Float64Array(values).buffer);
const u64 = (...values: bigint[]) => new Uint8Array(new BigUint64Array(values).buffer);

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

  it('writes the layout of the example in contracts/README.md, byte for byte', () => {
    const bytes = encodeMetricsBatch({
      resourceMetrics: [
        {
          resource: { attributes: {} },
          scopeMetrics: [
            {
              scope: { name: 's' },
              metrics: [
                {
                  name: 'system.cpu.time',
                  data: {
                    type: 'sum',
                    aggregationTemporality: 'cumulative',
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: { cpu: 'user' },
                        startTimeUnixNano: 1n,
                        timeUnixNano: 2n,
                        value: 5,
                        isInteger: true,
                      },
                      {
                        attributes: { cpu: 'system' },
                        startTimeUnixNano: 1n,
                        timeUnixNano: 2n,
                        value: 7,
                        isInteger: true,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const expected = [
      '92',
      '95 a1 73 af 73 79 73 74 65 6d 2e 63 70 75 2e 74 69 6d 65 a3 63 70 75 a4 75 73 65 72 a6 73 79 73 74 65 6d',
      '91 93 92 80 c0 91 93 94 00 c0 c0 c0 91 97 01 c0 c0 02 02 c3 c6 00 00 00 48 98 02',
      '92 81 02 d4 01 03 81 02 d4 01 04',
      'c4 10 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00',
      'c4 10 02 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00',
      'c0 c0 c4 01 03 c4 10 00 00 00 00 00 00 14 40 00 00 00 00 00 00 1c 40 c0 c0',
    ].join(' ');
    assert.equal(hex(bytes), expected);
  });

  it('encodes each distinct string once per batch', () => {
    const bytes = encodeMetricsBatch(sampleMetricsBatch());
    const text = new TextDecoder('latin1').decode(bytes);
    assert.equal(text.split('system.network.io').length - 1, 1);
    assert.equal(text.split('cumulative').length - 1, 0, 'enums travel as codes');
  });

  it('reads inline strings, index keys and string references written by any writer', () => {
    // {2: ext1(3), "state": "idle", "n": 7}: a map with an index key, which a JS object cannot express.
    const attributes = [0x83, 0x02, 0xd4, 0x01, 0x03, ...encode('state'), ...encode('idle'), ...encode('n'), 0x07];
    const dataPoints = new Uint8Array([
      0x98,
      ...encode(1),
      0x91,
      ...attributes,
      0xc0,
      ...encode(u64(1_700_000_000_000_000_000n)),
      0xc0,
      0xc0,
      0xc0,
      ...encode(f64(0.5)),
    ]);
    const batch = decodeMetricsBatch(
      handBuilt(['m', 'desc', null, 1, 0, false, dataPoints], ['s', 'm', 'cpu', 'cpu0']),
    );
    const metric = batch.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
    assert.equal(metric?.name, 'm');
    assert.equal(metric?.description, 'desc');
    assert.deepStrictEqual(metric?.data, {
      type: 'gauge',
      dataPoints: [
        { attributes: { cpu: 'cpu0', state: 'idle', n: 7 }, timeUnixNano: 1_700_000_000_000_000_000n, value: 0.5 },
      ],
    });
  });

  it('rejects malformed batches with the field it expected', () => {
    const gauge = points([1, [{}], null, u64(1n), null, null, null, f64(1)]);
    assert.throws(
      () => decodeMetricsBatch(handBuilt([1, null, null, 9, 0, false, gauge])),
      /Metric\.type should be a MetricType code/,
    );
    assert.throws(
      () => scanMetricsBytes(handBuilt([1, null, null, 9, 0, false, gauge])),
      /Metric\.type should be a MetricType code, got 9/,
    );
    assert.throws(() => scanMetricsBytes(handBuilt([7, null, null, 1, 0, false, gauge])), /index 7/);
    const shortTimes = points([2, [{}, {}], null, u64(1n), null, null, null, f64(1, 2)]);
    assert.throws(
      () => scanMetricsBytes(handBuilt([1, null, null, 1, 0, false, shortTimes])),
      /DataPoints\.times should be 16 bytes \(8 per point\), got 8/,
    );
    assert.throws(
      () => decodeMetricsBatch(handBuilt([1, null, null, 1, 0, false, shortTimes])),
      /DataPoints\.times should be 16 bytes, got 8/,
    );
    const histogramColumn = points([1, [{}], null, u64(1n), null, null, null, null, [[1, null, u64(1n), f64()]]]);
    assert.throws(
      () => scanMetricsBytes(handBuilt([1, null, null, 1, 0, false, histogramColumn])),
      /DataPoints\.numbers should be present for MetricType 1, got nil/,
    );
    assert.throws(
      () => scanMetricsBytes(encode([['s'], [['not a tuple']]])),
      /ResourceMetrics should be a tuple of at least 2 field\(s\), got 1/,
    );
    assert.throws(
      () => scanMetricsBytes(new Uint8Array([...encodeMetricsBatch(sampleMetricsBatch()), 0xc0])),
      /trailing/,
    );
    const truncated = encodeMetricsBatch(sampleMetricsBatch()).subarray(0, 200);
    assert.throws(() => scanMetricsBytes(truncated), /Invalid plugin batch/);
    assert.throws(() => decodeMetricsBatch(truncated), /Invalid plugin batch/);
  });

  it('counts what a scan saw', () => {
    assert.deepEqual(scanMetricsBytes(encodeMetricsBatch(sampleMetricsBatch())), {
      items: 6,
      metrics: 6,
      resources: 2,
    });
    assert.deepEqual(scanLogsBytes(encodeLogsBatch(sampleLogsBatch())), { items: 2, metrics: 0, resources: 1 });
  });

  it('accepts every input a decode accepts, for random truncations of a valid batch', () => {
    const bytes = encodeMetricsBatch(sampleMetricsBatch());
    for (let length = 0; length < bytes.length; length += 7) {
      const cut = bytes.subarray(0, length);
      let scanned = true;
      try {
        scanMetricsBytes(cut);
      } catch {
        scanned = false;
      }
      if (scanned) assert.doesNotThrow(() => decodeMetricsBatch(cut), `length ${length}`);
    }
  });
});

describe('logs codec', () => {
  it('round-trips log records with every AnyValue kind', () => {
    const batch = sampleLogsBatch();
    assert.deepStrictEqual(decodeLogsBatch(encodeLogsBatch(batch)), batch);
  });

  it('keeps long strings inline and shares short ones', () => {
    const long = 'x'.repeat(100);
    const batch: LogsBatch = {
      resourceLogs: [
        {
          resource: { attributes: {} },
          scopeLogs: [
            {
              scope: { name: 's' },
              logRecords: [1, 2, 3].map(() => ({
                observedTimeUnixNano: 1n,
                attributes: { method: 'GET', url: long },
                body: long,
              })),
            },
          ],
        },
      ],
    };
    const bytes = encodeLogsBatch(batch);
    const text = new TextDecoder('latin1').decode(bytes);
    assert.equal(text.split('GET').length - 1, 1);
    assert.equal(text.split(long).length - 1, 6);
    assert.deepStrictEqual(decodeLogsBatch(bytes), batch);
  });
});

describe('decodeProcessResult', () => {
  it('reads a selection, a replacement and "unchanged"', () => {
    assert.deepEqual(decodeProcessResult(encode({ keep: new Uint8Array([5]) })), {
      kind: 'keep',
      keep: new Uint8Array([5]),
    });
    assert.deepEqual(decodeProcessResult(encode({ keepPoints: new Uint8Array([1, 2]) })), {
      kind: 'keep',
      keepPoints: new Uint8Array([1, 2]),
    });
    const replacement = encode({ batch: [[], []] });
    assert.deepEqual(decodeProcessResult(replacement), { kind: 'replace', batch: new Uint8Array([0x92, 0x90, 0x90]) });
    assert.deepEqual(decodeProcessResult(encode({})), { kind: 'unchanged' });
    assert.deepEqual(decodeProcessResult(encode(null)), { kind: 'unchanged' });
    assert.deepEqual(decodeProcessResult(new Uint8Array(0)), { kind: 'unchanged' });
  });

  it('refuses answers outside the contract', () => {
    assert.throws(() => decodeProcessResult(encode([1])), /other than a map/);
    assert.throws(() => decodeProcessResult(encode({ keep: [1] })), /not bytes/);
    assert.throws(() => decodeProcessResult(encode({ drop: 1 })), /unknown key\(s\): drop/);
    assert.throws(
      () => decodeProcessResult(encode({ keep: new Uint8Array(1), batch: [[], []] })),
      /both a selection and "batch"/,
    );
    assert.throws(() => decodeProcessResult(new Uint8Array([0x80, 0x80])), /trailing bytes/);
    assert.throws(() => decodeProcessResult(new Uint8Array([0x81, 0xa5, 0x62])), /Invalid plugin batch/);
  });
});
