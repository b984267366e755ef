// Property tests over seeded random batches: the official OTLP schema reads our protobuf as our
// OTLP/JSON says it should, and both of our decoders give back a batch that re-encodes to the
// same bytes. Hundreds of batches cover every metric type and AnyValue kind in combinations
// the hand-written samples do not.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeLogsRequest as officialLogs,
  decodeMetricsRequest as officialMetrics,
} from '../testing/official-schema.ts';
import { Random, randomLogsBatch, randomMetricsBatch } from '../testing/random-batches.ts';
import { decodeLogsRequest } from './decode-logs.ts';
import { decodeMetricsRequest } from './decode-metrics.ts';
import { encodeLogsRequest } from './encode-logs.ts';
import { encodeMetricsRequest } from './encode-metrics.ts';
import { logsToOtlpJson, metricsToOtlpJson } from './otlp-json.ts';
import { parseLogsJson, parseMetricsJson } from './parse-otlp-json.ts';

const ROUNDS = 150;

/** protobufjs gives trace and span ids as base64; OTLP/JSON has them as hex. */
function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      key === 'traceId' || key === 'spanId' ? Buffer.from(item as string, 'base64').toString('hex') : idsToHex(item);
  }
  return result;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('codec properties over random batches', () => {
  test(`metrics: ${ROUNDS} batches`, () => {
    let points = 0;
    for (let seed = 1; seed <= ROUNDS; seed++) {
      const batch = randomMetricsBatch(new Random(seed));
      const bytes = encodeMetricsRequest(batch);
      const json = metricsToOtlpJson(batch);
      assert.deepEqual(idsToHex(officialMetrics(bytes)), json, `seed ${seed}: the official schema disagrees`);
      const decoded = decodeMetricsRequest(bytes);
      assert.ok(decoded.rejections.empty, `seed ${seed}: ${decoded.rejections.message()}`);
      assert.ok(same(encodeMetricsRequest(decoded.batch), bytes), `seed ${seed}: protobuf round trip differs`);
      assert.ok(
        same(encodeMetricsRequest(parseMetricsJson(JSON.stringify(json)).batch), bytes),
        `seed ${seed}: JSON round trip differs`,
      );
      points += decoded.batch.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).length;
    }
    assert.ok(points > ROUNDS, 'the generator produced too few metrics to mean anything');
  });

  test(`logs: ${ROUNDS} batches`, () => {
    for (let seed = 1; seed <= ROUNDS; seed++) {
      const batch = randomLogsBatch(new Random(seed));
      const bytes = encodeLogsRequest(batch);
      const json = logsToOtlpJson(batch);
      assert.deepEqual(idsToHex(officialLogs(bytes)), json, `seed ${seed}: the official schema disagrees`);
      const decoded = decodeLogsRequest(bytes);
      assert.ok(decoded.rejections.empty, `seed ${seed}: ${decoded.rejections.message()}`);
      assert.ok(same(encodeLogsRequest(decoded.batch), bytes), `seed ${seed}: protobuf round trip differs`);
      assert.ok(
        same(encodeLogsRequest(parseLogsJson(JSON.stringify(json)).batch), bytes),
        `seed ${seed}: JSON round trip differs`,
      );
    }
  });
});
