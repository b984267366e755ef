// OTLP/gRPC on @grpc/grpc-js, with hand-written service definitions that pass bytes through to our
// own decoder (no .proto loading). grpc-js enforces the message size limit after decompression;
// everything else goes through the shared Ingest. Refusals carry a google.rpc.Status with a
// RetryInfo detail in `grpc-status-details-bin` when the client should come back later.

import { Buffer } from 'node:buffer';
import type * as Grpc from '@grpc/grpc-js';
import type { Signal } from '@wasmpipe/core';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  encodeExportResponse,
  encodeStatus,
  otlpServiceDefinition,
} from '@wasmpipe/exporters';
import { type Ingest, REFUSAL_CODES } from './ingest.ts';

/** A running OTLP/gRPC server. */
export interface GrpcListener {
  readonly port: number;
  close(graceMs: number): Promise<void>;
}

/** Starts the OTLP/gRPC server on `hostname:port`. */
export async function startGrpcServer(
  address: { hostname: string; port: number },
  maxMessageBytes: number,
  ingest: Ingest,
): Promise<GrpcListener> {
  const grpc = await import('@grpc/grpc-js');
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const signal of ['metrics', 'logs'] as const) {
    server.addService(otlpServiceDefinition(signal), { Export: exportHandler(grpc, signal, ingest) });
  }
  const host = address.hostname.includes(':') ? `[${address.hostname}]` : address.hostname;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${address.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    port,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

function exportHandler(
  grpc: typeof Grpc,
  signal: Signal,
  ingest: Ingest,
): Grpc.handleUnaryCall<Uint8Array, Uint8Array> {
  const decode = signal === 'metrics' ? decodeMetricsRequest : decodeLogsRequest;
  return (call, callback) => {
    ingest
      .run(signal, 'grpc', () => decode(call.request))
      .then(
        (outcome) => {
          if (outcome.kind === 'accepted') {
            callback(null, encodeExportResponse(outcome.rejected, outcome.message));
            return;
          }
          const code = REFUSAL_CODES[outcome.kind].grpc;
          const metadata = new grpc.Metadata();
          if (outcome.retryAfterMs !== undefined) {
            metadata.set(
              'grpc-status-details-bin',
              Buffer.from(encodeStatus(code, outcome.message, outcome.retryAfterMs)),
            );
          }
          callback({ code, details: outcome.message, metadata });
        },
        (error: unknown) => callback({ code: grpc.status.INTERNAL, details: String(error) }),
      );
  };
}
