// The OTLP gRPC services (metrics and logs `Export`) as hand-written @grpc/grpc-js service
// definitions. Requests and responses pass through as bytes: our own encoder and decoder do the
// protobuf work, so no .proto file is loaded and no code is generated at run time.

import { Buffer } from 'node:buffer';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type { Signal } from '@wasmpipe/core';

/** The full gRPC method path of each signal's `Export`. */
export const OTLP_GRPC_PATHS: Readonly<Record<Signal, string>> = {
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const toBytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** The `Export` method of one signal's service, with bytes in and bytes out. */
export type ExportMethod = MethodDefinition<Uint8Array, Uint8Array>;

/** The service definition of one signal, holding its unary `Export` method. */
export function otlpServiceDefinition(signal: Signal): ServiceDefinition<{ Export: ExportMethod }> {
  return {
    Export: {
      path: OTLP_GRPC_PATHS[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: toBuffer,
      requestDeserialize: toBytes,
      responseSerialize: toBuffer,
      responseDeserialize: toBytes,
    },
  };
}
