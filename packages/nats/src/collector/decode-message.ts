// Turns one JetStream message into a batch, from the headers the nats exporter writes: the signal,
// the encoding, and for the plugin contract its version. Pure: no I/O, so it is tested on bytes.
// OTLP protobuf is decoded with the otlp receiver's decoder; a contract payload is only scanned
// (its structure checked, nothing built) and handed on as bytes, so the first plugin takes it
// without a host-side encode and the tree is decoded only if something reads it.
import { countItems, errorMessage, type LogsBatch, type MetricsBatch, type Signal } from '@wasmpipe/core';
import { decodeLogsRequest, decodeMetricsRequest } from '@wasmpipe/exporters';
import { CONTRACT_VERSION, isCompatibleContract, logsBatchFromBytes, metricsBatchFromBytes } from '@wasmpipe/host-wapc';

/** Header names on every batch message (the nats exporter's `NATS_HEADERS`). */
export const MESSAGE_HEADERS = {
  signal: 'Wasmpipe-Signal',
  encoding: 'Wasmpipe-Encoding',
  contractVersion: 'Wasmpipe-Contract-Version',
  items: 'Wasmpipe-Items',
} as const;

/** A decoded message, or why it cannot be (a poison message). */
export type DecodedMessage =
  | { kind: 'batch'; signal: 'metrics'; batch: MetricsBatch; items: number; rejected: number }
  | { kind: 'batch'; signal: 'logs'; batch: LogsBatch; items: number; rejected: number }
  | { kind: 'poison'; reason: string };

/** Decodes a message from its headers (read by name) and payload. Never throws. */
export function decodeMessage(header: (name: string) => string | undefined, data: Uint8Array): DecodedMessage {
  const signal = header(MESSAGE_HEADERS.signal);
  if (signal !== 'metrics' && signal !== 'logs')
    return poison(`header ${MESSAGE_HEADERS.signal} is ${quote(signal)}; expected metrics or logs`);
  const encoding = header(MESSAGE_HEADERS.encoding) ?? 'otlp_proto';
  try {
    if (encoding === 'otlp_proto') return decodeOtlp(signal, data);
    if (encoding === 'contract') {
      const version = header(MESSAGE_HEADERS.contractVersion);
      if (version === undefined || !isCompatibleContract(version))
        return poison(
          `plugin contract version ${quote(version)} is not compatible with this gateway's ${CONTRACT_VERSION}`,
        );
      return decodeContract(signal, data);
    }
  } catch (error) {
    return poison(`the ${encoding} payload of a ${signal} message cannot be decoded: ${errorMessage(error)}`);
  }
  return poison(`header ${MESSAGE_HEADERS.encoding} is ${quote(encoding)}; expected otlp_proto or contract`);
}

function decodeOtlp(signal: Signal, data: Uint8Array): DecodedMessage {
  if (signal === 'metrics') {
    const { batch, rejections } = decodeMetricsRequest(data);
    return { kind: 'batch', signal, batch, items: countItems('metrics', batch), rejected: rejections.count };
  }
  const { batch, rejections } = decodeLogsRequest(data);
  return { kind: 'batch', signal, batch, items: countItems('logs', batch), rejected: rejections.count };
}

function decodeContract(signal: Signal, data: Uint8Array): DecodedMessage {
  if (signal === 'metrics') {
    const batch = metricsBatchFromBytes(data);
    return { kind: 'batch', signal, batch, items: countItems('metrics', batch), rejected: 0 };
  }
  const batch = logsBatchFromBytes(data);
  return { kind: 'batch', signal, batch, items: countItems('logs', batch), rejected: 0 };
}

function poison(reason: string): DecodedMessage {
  return { kind: 'poison', reason };
}

function quote(value: string | undefined): string {
  return value === undefined ? 'missing' : JSON.stringify(value.slice(0, 64));
}
