// Data points per second through the plugin codec (contract 0.2: string table, columnar data
// points), beside the foundation's codec (contract 0.1: msgpack tuples through @msgpack/msgpack)
// and plain @msgpack/msgpack object encoding, on host-shaped batches. Also: the structural scan
// the host runs on a plugin's replacement instead of decoding it, and the bytes per point.
import { Decoder, decode, Encoder } from '@msgpack/msgpack';
import type { MetricsBatch } from '@wasmpipe/core';
import { decodeMetricsBatch, encodeMetricsBatch, scanMetricsBytes } from '@wasmpipe/host-wapc';
import type { Comparison, Scenario } from '../harness.ts';
import { alternate } from '../harness.ts';
import { decodeMetricsBatch01, encodeMetricsBatch01 } from '../peers/codec-0-1/index.ts';
import { hostShapedBatch } from './slice-throughput.ts';

const BATCHES = 400;
const DISTINCT = 20;
const POINTS_PER_BATCH = 128 * 2 + 6 * 2 + 8 * 2;

const plainEncoder = new Encoder({ useBigInt64: true, initialBufferSize: 64 * 1024 });
const plainDecoder = new Decoder({ useBigInt64: true });

/** Runs `work` over BATCHES batches and returns data points per second. */
function measure<T>(inputs: readonly T[], work: (input: T) => unknown): Promise<number> {
  let sink = 0;
  const begin = performance.now();
  for (let index = 0; index < BATCHES; index++) {
    const result = work(inputs[index % inputs.length] as T);
    if (result) sink++;
  }
  const elapsed = performance.now() - begin;
  if (sink !== BATCHES) throw new Error('A codec returned nothing.');
  return Promise.resolve((BATCHES * POINTS_PER_BATCH) / (elapsed / 1000));
}

async function compare(
  metric: string,
  runs: number,
  subject: [string, () => Promise<number>],
  peer: [string, () => Promise<number>],
): Promise<Comparison> {
  const [subjectRuns, peerRuns] = await alternate(runs, subject[1], peer[1]);
  return {
    metric,
    unit: 'points/s',
    higherIsBetter: true,
    subject: { name: subject[0], runs: subjectRuns },
    peer: { name: peer[0], runs: peerRuns },
  };
}

export const codecThroughput: Scenario = {
  name: 'codec-throughput',
  description: `plugin codec on host-shaped batches (${POINTS_PER_BATCH} points each, ${BATCHES} per run), one core`,
  async run({ runs }) {
    const batches: MetricsBatch[] = Array.from({ length: DISTINCT }, hostShapedBatch);
    const encoded = batches.map((batch) => encodeMetricsBatch(batch));
    const encoded01 = batches.map(encodeMetricsBatch01);
    const encodedPlain = batches.map((batch) => plainEncoder.encode(batch));
    const current = 'contract 0.2 codec (string table, columns)';
    const comparisons = [
      await compare(
        'encode',
        runs,
        [current, () => measure(batches, encodeMetricsBatch)],
        ['contract 0.1 codec (msgpack tuples)', () => measure(batches, encodeMetricsBatch01)],
      ),
      await compare(
        'encode',
        runs,
        [current, () => measure(batches, encodeMetricsBatch)],
        ['@msgpack/msgpack, plain objects', () => measure(batches, (batch) => plainEncoder.encode(batch))],
      ),
      await compare(
        'decode',
        runs,
        [current, () => measure(encoded, decodeMetricsBatch)],
        ['contract 0.1 codec (msgpack tuples)', () => measure(encoded01, decodeMetricsBatch01)],
      ),
      await compare(
        'decode',
        runs,
        [current, () => measure(encoded, decodeMetricsBatch)],
        ['@msgpack/msgpack, plain objects', () => measure(encodedPlain, (bytes) => plainDecoder.decode(bytes))],
      ),
      await compare(
        'check a replacement between two plugins',
        runs,
        ['contract 0.2 scan (no objects built)', () => measure(encoded, scanMetricsBytes)],
        ['contract 0.2 decode', () => measure(encoded, decodeMetricsBatch)],
      ),
    ];
    const size = (list: Uint8Array[]) =>
      list.reduce((total, bytes) => total + bytes.length, 0) / (DISTINCT * POINTS_PER_BATCH);
    comparisons.push({
      metric: 'encoded size',
      unit: 'bytes/point',
      higherIsBetter: false,
      subject: { name: current, runs: [size(encoded)] },
      peer: { name: 'contract 0.1 codec (msgpack tuples)', runs: [size(encoded01)] },
    });
    // A sanity check that the peers encode the same batch: a figure from a broken peer means nothing.
    if ((decode(encodedPlain[0] as Uint8Array) as MetricsBatch).resourceMetrics.length !== 1) {
      throw new Error('The plain msgpack peer did not round-trip.');
    }
    return comparisons;
  },
};
