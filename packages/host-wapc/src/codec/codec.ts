// Batch <-> msgpack bytes in the contract layout. One Encoder and one Decoder are reused: the
// encoder keeps its grown buffer between batches, and `useBigInt64` carries the nanosecond
// timestamps (bigint) as uint64 without loss.

import { Decoder, Encoder } from '@msgpack/msgpack';
import type { LogsBatch, MetricsBatch } from '@wasmpipe/core';
import { logsBatchFromWire, logsBatchToWire } from './logs-wire.ts';
import { metricsBatchFromWire, metricsBatchToWire } from './metrics-wire.ts';

/** Creates an encoder configured for the contract (bigint as int64/uint64). */
export function createWireEncoder(): Encoder {
  return new Encoder({ useBigInt64: true, initialBufferSize: 64 * 1024 });
}

/** Creates a decoder configured for the contract (int64/uint64 as bigint). */
export function createWireDecoder(): Decoder {
  return new Decoder({ useBigInt64: true });
}

const sharedEncoder = createWireEncoder();
const sharedDecoder = createWireDecoder();

/** Encodes a metrics batch to msgpack bytes the caller owns. */
export function encodeMetricsBatch(batch: MetricsBatch, encoder: Encoder = sharedEncoder): Uint8Array {
  return encoder.encode(metricsBatchToWire(batch));
}

/** Decodes msgpack bytes in the contract layout to a metrics batch, checking every field. */
export function decodeMetricsBatch(bytes: Uint8Array, decoder: Decoder = sharedDecoder): MetricsBatch {
  return metricsBatchFromWire(decoder.decode(bytes));
}

/** Encodes a logs batch to msgpack bytes the caller owns. */
export function encodeLogsBatch(batch: LogsBatch, encoder: Encoder = sharedEncoder): Uint8Array {
  return encoder.encode(logsBatchToWire(batch));
}

/** Decodes msgpack bytes in the contract layout to a logs batch, checking every field. */
export function decodeLogsBatch(bytes: Uint8Array, decoder: Decoder = sharedDecoder): LogsBatch {
  return logsBatchFromWire(decoder.decode(bytes));
}
