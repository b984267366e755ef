// Benchmark peer: the foundation's codec (contract 0.1.0): the batch as a tree of msgpack tuples,
// encoded and decoded by one reused @msgpack/msgpack Encoder/Decoder (useBigInt64), every string
// written where it occurs. Metrics only; this is what contract 0.2.0 replaced.

import { Decoder, Encoder } from '@msgpack/msgpack';
import type { MetricsBatch } from '@wasmpipe/core';
import { metricsBatchFromWire, metricsBatchToWire } from './metrics-wire.ts';

const encoder = new Encoder({ useBigInt64: true, initialBufferSize: 64 * 1024 });
const decoder = new Decoder({ useBigInt64: true });

/** Encodes a metrics batch the 0.1.0 way. */
export function encodeMetricsBatch01(batch: MetricsBatch): Uint8Array {
  return encoder.encode(metricsBatchToWire(batch));
}

/** Decodes a metrics batch the 0.1.0 way. */
export function decodeMetricsBatch01(bytes: Uint8Array): MetricsBatch {
  return metricsBatchFromWire(decoder.decode(bytes));
}
