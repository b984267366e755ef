// Fuzzing the contract decoder and scanners with what a guest may answer: random bytes and
// mutations of valid encodings. Bytes from a guest are never trusted: every input must decode,
// or fail with a WasmpipeError, quickly and without allocating what a length prefix claims.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { countDataPoints, countLogRecords, type LogsBatch, type MetricsBatch } from '@wasmpipe/core';
import { fc, fuzz, mutatedBytes } from '../../../core/src/testing/fuzz.test-support.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import {
  applyLogsAnswer,
  applyMetricsAnswer,
  decodeLogsBatch,
  decodeMetricsBatch,
  encodeLogsBatch,
  encodeMetricsBatch,
  logsBatchFromBytes,
  metricsBatchFromBytes,
  scanLogsBytes,
  scanMetricsBytes,
} from './codec.ts';
import { decodeProcessResult } from './process-result.ts';

const AREA = 'host-wapc codec';
const metricsBytes = encodeMetricsBatch(sampleMetricsBatch());
const logsBytes = encodeLogsBatch(sampleLogsBatch());
const metricSeeds = [metricsBytes, encodeMetricsBatch({ resourceMetrics: [] })];
const logSeeds = [logsBytes, encodeLogsBatch({ resourceLogs: [] })];
// What a guest answers: unchanged, a selection, a replacement.
const answerSeeds = [
  new Uint8Array(0),
  encode({}),
  encode({ keep: new Uint8Array([0b101101]) }),
  encode({ keep: new Uint8Array([0xff]), keepPoints: new Uint8Array([0xff, 0x03]) }),
  concatBytes(encode({ batch: null }).subarray(0, 7), metricsBytes),
  concatBytes(encode({ batch: null }).subarray(0, 7), logsBytes),
];

function concatBytes(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(head.length + tail.length);
  bytes.set(head);
  bytes.set(tail, head.length);
  return bytes;
}

const anyBytes = fc.uint8Array({ maxLength: 512 });

/** Reading a wire batch's tree must give what a direct decode gives, and the counts must agree. */
function checkMetricsBytes(bytes: Uint8Array): void {
  // The scan may refuse what the decoder would accept (it is the stricter of the two). The
  // dangerous direction is the other: a batch the scan accepted is handed on as bytes, and
  // reading its tree later must not fail.
  const counts = scanMetricsBytes(bytes);
  const decoded: MetricsBatch = decodeMetricsBatch(bytes);
  assert.equal(countDataPoints(decoded), counts.items);
  assert.equal(decoded.resourceMetrics.length, counts.resources);
  const lazy = metricsBatchFromBytes(bytes);
  assert.equal(lazy.resourceMetrics.length, counts.resources);
}

function checkLogsBytes(bytes: Uint8Array): void {
  const counts = scanLogsBytes(bytes);
  const decoded: LogsBatch = decodeLogsBatch(bytes);
  assert.equal(countLogRecords(decoded), counts.items);
  assert.equal(logsBatchFromBytes(bytes).resourceLogs.length, counts.resources);
}

describe('fuzz: the msgpack contract decoder and scanners', () => {
  it('a metrics batch from random bytes: decoded or refused', () => {
    fuzz({
      name: 'metrics batch decoder and scan: random bytes',
      area: AREA,
      input: anyBytes,
      run: checkMetricsBytes,
      runs: 2000,
    });
  });

  it('a metrics batch from mutated valid encodings: decoded or refused, scan and decode agree', () => {
    fuzz({
      name: 'metrics batch decoder and scan: mutated encodings',
      area: AREA,
      input: mutatedBytes(metricSeeds, 4),
      run: checkMetricsBytes,
      runs: 3000,
    });
  });

  it('a logs batch from random bytes and mutated encodings: decoded or refused', () => {
    fuzz({
      name: 'logs batch decoder and scan: random and mutated',
      area: AREA,
      input: fc.oneof(anyBytes, mutatedBytes(logSeeds, 4)),
      run: checkLogsBytes,
      runs: 3000,
    });
  });

  it('a process answer from random bytes and mutations: applied or refused, the batch untouched on refusal', () => {
    fuzz({
      name: 'process answer (unchanged / selection / replacement): random and mutated',
      area: AREA,
      input: fc.oneof(anyBytes, mutatedBytes(answerSeeds, 3)),
      run: (answer) => {
        decodeProcessResult(answer);
        const batch = sampleMetricsBatch();
        let result: MetricsBatch;
        try {
          result = applyMetricsAnswer(batch, metricsBytes, answer);
        } catch (error) {
          assert.deepStrictEqual(batch, sampleMetricsBatch(), 'a refused answer must leave the batch as it was');
          throw error;
        }
        // Whatever was accepted can be read and counted.
        countDataPoints(result);
        const logs = applyLogsAnswer(sampleLogsBatch(), logsBytes, answer);
        countLogRecords(logs);
      },
      runs: 3000,
    });
  });

  it('length prefixes claiming 4 GiB are refused without allocating them', () => {
    // Regression shapes: every 32-bit length header, at the string table, a list of resources,
    // a points bin and an attribute map, claiming 2^32 - 1.
    const claims = [
      Uint8Array.from([0x92, 0xdd, 0xff, 0xff, 0xff, 0xff]),
      Uint8Array.from([0x92, 0x90, 0xdd, 0xff, 0xff, 0xff, 0xff]),
      Uint8Array.from([0x92, 0x91, 0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]),
      Uint8Array.from([0x92, 0x90, 0x91, 0x93, 0x92, 0xdf, 0xff, 0xff, 0xff, 0xff]),
      Uint8Array.from([0x81, 0xa4, 0x6b, 0x65, 0x65, 0x70, 0xc6, 0xff, 0xff, 0xff, 0xff]),
    ];
    for (const bytes of claims) {
      assert.throws(() => decodeMetricsBatch(bytes), /Invalid plugin batch|answered/);
      assert.throws(() => scanMetricsBytes(bytes), /Invalid plugin batch/);
    }
    assert.throws(() => decodeProcessResult(claims[4]!), /Invalid plugin batch/);
  });
});
