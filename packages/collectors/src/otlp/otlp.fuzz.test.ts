// Fuzzing the OTLP receiver: its protobuf and JSON decoders fed random bytes, mutated encodings
// and mutated JSON trees, then a sample of the same over a real HTTP socket. Every input must be
// decoded or refused with an OtlpDecodeError (a 400 on the wire), and what is accepted must be
// something the exporters can send on.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  encodeLogsRequest,
  encodeMetricsRequest,
  logsToOtlpJson,
  metricsToOtlpJson,
  OtlpDecodeError,
  parseLogsJson,
  parseMetricsJson,
} from '@wasmpipe/exporters';
import { fc, fuzz, fuzzAsync, mutatedBytes } from '../../../core/src/testing/fuzz.test-support.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../../../exporters/src/testing/sample-batches.ts';
import { type ReceiverHarness, startReceiver } from './receiver-harness.ts';

const AREA = 'otlp receiver';
const accepts = (error: unknown) => error instanceof OtlpDecodeError;

/** The sample batches with long strings cut short: mutations then land near structure, not in a 140 KB string. */
function compact<T>(value: T): T {
  if (typeof value === 'string') return (value.length > 32 ? value.slice(0, 16) : value) as T;
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compact(item)])) as T;
  }
  return value;
}

const metricsSample = compact(sampleMetricsBatch());
const logsSample = compact(sampleLogsBatch());
const metricsProtobuf = encodeMetricsRequest(metricsSample);
const logsProtobuf = encodeLogsRequest(logsSample);
const metricsJson = metricsToOtlpJson(metricsSample);
const logsJson = logsToOtlpJson(logsSample);
const anyBytes = fc.uint8Array({ maxLength: 512 });

/** Accepted metrics must encode again both ways: the receiver hands them to exporters. */
function decodeMetrics(bytes: Uint8Array): void {
  const { batch } = decodeMetricsRequest(bytes);
  encodeMetricsRequest(batch);
  JSON.stringify(metricsToOtlpJson(batch));
}

function decodeLogs(bytes: Uint8Array): void {
  const { batch } = decodeLogsRequest(bytes);
  encodeLogsRequest(batch);
  JSON.stringify(logsToOtlpJson(batch));
}

/** A JSON tree with one subtree (picked by a walk index) replaced by another value. */
function replaceSubtree(tree: unknown, target: number, replacement: unknown): unknown {
  let index = 0;
  const walk = (node: unknown): unknown => {
    if (index++ === target) return replacement;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
    }
    return node;
  };
  return walk(tree);
}

const oddValues = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '18446744073709551616',
    '-1',
    '1e400',
    'NaN',
    '0x10',
    '',
    'not-hex',
    'AAAA',
    -1,
    1e308,
    2 ** 64,
    { stringValue: null },
    { intValue: {} },
    { arrayValue: { values: [{ kvlistValue: { values: [{ key: 'k', value: { arrayValue: {} } }] } }] } },
  ),
);

/** OTLP/JSON text: a valid request with subtrees replaced, or valid text with bytes mutated. */
function mutatedJson(seed: unknown): fc.Arbitrary<Uint8Array> {
  const text = new TextEncoder().encode(JSON.stringify(seed));
  return fc.oneof(
    fc
      .array(fc.tuple(fc.nat({ max: 400 }), oddValues), { minLength: 1, maxLength: 3 })
      .map((changes) =>
        new TextEncoder().encode(
          JSON.stringify(changes.reduce((tree, [at, value]) => replaceSubtree(tree, at, value), seed)),
        ),
      ),
    mutatedBytes([text], 3),
  );
}

function parseJsonMetrics(bytes: Uint8Array): void {
  // The receiver's JSON path: the same functions the HTTP handler calls.
  const { batch } = parseMetricsJson(bytes);
  encodeMetricsRequest(batch);
  JSON.stringify(metricsToOtlpJson(batch));
}

function parseJsonLogs(bytes: Uint8Array): void {
  const { batch } = parseLogsJson(bytes);
  encodeLogsRequest(batch);
  JSON.stringify(logsToOtlpJson(batch));
}

describe('fuzz: the OTLP receiver decoders', () => {
  it('protobuf metrics: random bytes and mutated requests', () => {
    fuzz({
      name: 'OTLP protobuf metrics decoder: random and mutated',
      area: AREA,
      input: fc.oneof(anyBytes, mutatedBytes([metricsProtobuf], 4)),
      run: decodeMetrics,
      accepts,
      runs: 3000,
    });
  });

  it('protobuf logs: random bytes and mutated requests', () => {
    fuzz({
      name: 'OTLP protobuf logs decoder: random and mutated',
      area: AREA,
      input: fc.oneof(anyBytes, mutatedBytes([logsProtobuf], 4)),
      run: decodeLogs,
      accepts,
      runs: 3000,
    });
  });

  it('JSON metrics: mutated trees and mutated text', () => {
    fuzz({
      name: 'OTLP/JSON metrics parser: mutated trees and text',
      area: AREA,
      input: mutatedJson(metricsJson),
      run: parseJsonMetrics,
      accepts,
      runs: 2000,
    });
  });

  it('JSON logs: mutated trees and mutated text', () => {
    fuzz({
      name: 'OTLP/JSON logs parser: mutated trees and text',
      area: AREA,
      input: mutatedJson(logsJson),
      run: parseJsonLogs,
      accepts,
      runs: 2000,
    });
  });

  it('refuses a protobuf length prefix claiming 4 GiB without allocating it', () => {
    // field 1 (resource_metrics), wire type 2, length varint 0xffffffff
    const claim = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    assert.throws(() => decodeMetricsRequest(claim), OtlpDecodeError);
    assert.throws(() => decodeLogsRequest(claim), OtlpDecodeError);
  });
});

describe('fuzz: the OTLP receiver over HTTP', () => {
  let harness: ReceiverHarness;
  before(async () => {
    harness = await startReceiver({
      protocols: { http: { endpoint: '127.0.0.1:0', max_request_body_size: 64 * 1024 } },
    });
  });
  after(() => harness.close());

  it('answers every mutated body with 200, 400 or 413, and keeps serving', async () => {
    const bodies = fc.oneof(
      mutatedBytes([metricsProtobuf], 3).map((body) => ({ path: '/v1/metrics', type: 'application/x-protobuf', body })),
      mutatedBytes([logsProtobuf], 3).map((body) => ({ path: '/v1/logs', type: 'application/x-protobuf', body })),
      mutatedJson(metricsJson).map((body) => ({ path: '/v1/metrics', type: 'application/json', body })),
      mutatedJson(logsJson).map((body) => ({ path: '/v1/logs', type: 'application/json', body })),
      anyBytes.map((body) => ({ path: '/v1/metrics', type: 'application/x-protobuf', body })),
    );
    await fuzzAsync({
      name: 'OTLP/HTTP receiver over a socket: mutated protobuf and JSON bodies',
      area: AREA,
      input: bodies,
      run: async ({ path, type, body }) => {
        const response = await fetch(`${harness.httpUrl}${path}`, {
          method: 'POST',
          body: new Uint8Array(body),
          headers: { 'content-type': type },
        });
        await response.arrayBuffer();
        assert.ok(
          response.status === 200 || response.status === 400 || response.status === 413,
          `expected 200, 400 or 413, got ${response.status} for ${body.length} bytes`,
        );
      },
      runs: 150,
      timeBoxMs: 10_000,
    });
    const healthy = await fetch(`${harness.httpUrl}/v1/metrics`, {
      method: 'POST',
      body: metricsProtobuf,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    await healthy.arrayBuffer();
    assert.equal(healthy.status, 200);
  });
});
