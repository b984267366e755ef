// The small messages around an OTLP export, for receivers and the gRPC exporter: the export
// response with its partial success, and the `google.rpc.Status` that carries an error (with a
// `google.rpc.RetryInfo` detail telling the client when to retry).

import type { Signal } from '@wasmpipe/core';
import { ProtobufDecoder } from './protobuf-decoder.ts';
import { ProtobufWriter, WireType } from './protobuf-writer.ts';

/** gRPC status codes used by OTLP (google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** Encodes an `Export{Metrics,Logs}ServiceResponse`; empty (full success) when nothing was rejected or said. */
export function encodeExportResponse(rejected: number, errorMessage: string): Uint8Array<ArrayBuffer> {
  const writer = new ProtobufWriter(64 + errorMessage.length * 3);
  if (rejected === 0 && errorMessage === '') return writer.finish();
  const partial = writer.beginMessage(1);
  if (rejected !== 0) {
    writer.tag(1, WireType.VARINT);
    writer.int64(rejected);
  }
  if (errorMessage !== '') {
    writer.tag(2, WireType.LENGTH_DELIMITED);
    writer.string(errorMessage);
  }
  writer.endMessage(partial);
  return writer.finish();
}

/** The OTLP/JSON form of an export response: `{}`, or `{ partialSuccess: {...} }`. */
export function exportResponseJson(signal: Signal, rejected: number, errorMessage: string): Record<string, unknown> {
  if (rejected === 0 && errorMessage === '') return {};
  const partialSuccess: Record<string, unknown> = {};
  if (rejected !== 0)
    partialSuccess[signal === 'metrics' ? 'rejectedDataPoints' : 'rejectedLogRecords'] = String(rejected);
  if (errorMessage !== '') partialSuccess.errorMessage = errorMessage;
  return { partialSuccess };
}

/** Encodes a `google.rpc.Status`, with a `RetryInfo` detail when `retryDelayMs` is given. */
export function encodeStatus(code: number, message: string, retryDelayMs?: number): Uint8Array<ArrayBuffer> {
  const writer = new ProtobufWriter(128 + message.length * 3);
  if (code !== 0) {
    writer.tag(1, WireType.VARINT);
    writer.int64(code);
  }
  if (message !== '') {
    writer.tag(2, WireType.LENGTH_DELIMITED);
    writer.string(message);
  }
  if (retryDelayMs !== undefined) {
    const any = writer.beginMessage(3);
    writer.tag(1, WireType.LENGTH_DELIMITED);
    writer.string(RETRY_INFO_TYPE);
    const retryInfo = writer.beginMessage(2);
    const duration = writer.beginMessage(1);
    const seconds = Math.floor(retryDelayMs / 1000);
    const nanos = Math.round((retryDelayMs - seconds * 1000) * 1e6);
    if (seconds !== 0) {
      writer.tag(1, WireType.VARINT);
      writer.int64(seconds);
    }
    if (nanos !== 0) {
      writer.tag(2, WireType.VARINT);
      writer.int64(nanos);
    }
    writer.endMessage(duration);
    writer.endMessage(retryInfo);
    writer.endMessage(any);
  }
  return writer.finish();
}

/** The JSON form of a `google.rpc.Status`, as an OTLP/HTTP JSON server sends it with an error. */
export function statusJson(code: number, message: string, retryDelayMs?: number): Record<string, unknown> {
  const status: Record<string, unknown> = { code, message };
  if (retryDelayMs !== undefined) {
    status.details = [
      { '@type': RETRY_INFO_TYPE, retryDelay: `${(retryDelayMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s` },
    ];
  }
  return status;
}

/** What a `google.rpc.Status` says: its code, message, and the retry delay of a `RetryInfo` detail. */
export interface DecodedStatus {
  code: number;
  message: string;
  retryDelayMs?: number;
}

/** Decodes a `google.rpc.Status`; undefined when the bytes are not one. */
export function decodeStatus(bytes: Uint8Array): DecodedStatus | undefined {
  try {
    const decoder = new ProtobufDecoder(bytes);
    const status: DecodedStatus = { code: 0, message: '' };
    while (decoder.more()) {
      const tag = decoder.uint32();
      if (tag === 0x08) status.code = decoder.uint32();
      else if (tag === 0x12) status.message = decoder.string();
      else if (tag === 0x1a) {
        const delay = readRetryInfoAny(decoder);
        if (delay !== undefined) status.retryDelayMs = delay;
      } else decoder.skipTag(tag);
    }
    return status;
  } catch {
    return undefined;
  }
}

/** Reads a `google.protobuf.Any`; the retry delay in milliseconds when it holds a `RetryInfo`. */
function readRetryInfoAny(decoder: ProtobufDecoder): number | undefined {
  const outer = decoder.enter();
  let typeUrl = '';
  let value: Uint8Array | undefined;
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) typeUrl = decoder.string();
    else if (tag === 0x12) value = decoder.bytesCopy();
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  if (typeUrl !== RETRY_INFO_TYPE || value === undefined) return undefined;
  const retryInfo = new ProtobufDecoder(value);
  let delayMs = 0;
  while (retryInfo.more()) {
    const tag = retryInfo.uint32();
    if (tag !== 0x0a) {
      retryInfo.skipTag(tag);
      continue;
    }
    const durationOuter = retryInfo.enter();
    while (retryInfo.more()) {
      const durationTag = retryInfo.uint32();
      if (durationTag === 0x08) delayMs += Number(retryInfo.int64()) * 1000;
      else if (durationTag === 0x10) delayMs += Number(retryInfo.int64()) / 1e6;
      else retryInfo.skipTag(durationTag);
    }
    retryInfo.leave(durationOuter);
  }
  return Math.max(0, Math.round(delayMs));
}
