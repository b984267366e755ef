// The public face of the codec: batches <-> bytes in the contract layout, plugin answers, and the
// msgpack encoder and decoder for the control messages (config, describe, host calls).

import { Decoder, Encoder } from '@msgpack/msgpack';

export { METRIC_TYPE as METRIC_TYPE_CODES } from '../generated/contract.ts';
export {
  applyLogsAnswer,
  applyMetricsAnswer,
  type BatchCounts,
  decodeLogsBatch,
  decodeMetricsBatch,
  encodeLogsBatch,
  encodeMetricsBatch,
  isEmptyBatch,
  isWireBatch,
  logsBatchFromBytes,
  metricsBatchFromBytes,
  scanLogsBytes,
  scanMetricsBytes,
} from './wire-batch.ts';

/** Creates a msgpack encoder for control messages (bigint as int64/uint64). */
export function createWireEncoder(): Encoder {
  return new Encoder({ useBigInt64: true, initialBufferSize: 4 * 1024 });
}

/** Creates a msgpack decoder for control messages (int64/uint64 as bigint). */
export function createWireDecoder(): Decoder {
  return new Decoder({ useBigInt64: true });
}
