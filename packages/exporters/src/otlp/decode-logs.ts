// Decodes the protobuf bytes of an OTLP `ExportLogsServiceRequest` into a core LogsBatch; the
// counterpart of encode-logs.ts, following opentelemetry/proto/logs/v1/logs.proto. A record whose
// trace or span id has the wrong length is left out and reported as rejected.

import type { LogRecord, LogsBatch, ResourceLogs, ScopeLogs } from '@wasmpipe/core';
import { readAnyValue, readKeyValue, readOptionalString, readResource, readScope } from './decode-common.ts';
import { ProtobufDecoder } from './protobuf-decoder.ts';
import { Rejections } from './rejections.ts';

/** A decoded logs request: the batch, and what was left out of it. */
export interface DecodedLogs {
  batch: LogsBatch;
  rejections: Rejections;
}

/** Decodes OTLP `ExportLogsServiceRequest` protobuf bytes; throws `OtlpDecodeError` when they are malformed. */
export function decodeLogsRequest(bytes: Uint8Array): DecodedLogs {
  const decoder = new ProtobufDecoder(bytes);
  const rejections = new Rejections();
  const batch: LogsBatch = { resourceLogs: [] };
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) batch.resourceLogs.push(readResourceLogs(decoder, rejections));
    else decoder.skipTag(tag);
  }
  return { batch, rejections };
}

function readResourceLogs(decoder: ProtobufDecoder, rejections: Rejections): ResourceLogs {
  const resourceLogs: ResourceLogs = { resource: { attributes: {} }, scopeLogs: [] };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) resourceLogs.resource = readResource(decoder);
    else if (tag === 0x12) resourceLogs.scopeLogs.push(readScopeLogs(decoder, rejections));
    else if (tag === 0x1a) resourceLogs.schemaUrl = readOptionalString(decoder);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  if (resourceLogs.schemaUrl === undefined) delete resourceLogs.schemaUrl;
  return resourceLogs;
}

function readScopeLogs(decoder: ProtobufDecoder, rejections: Rejections): ScopeLogs {
  const scopeLogs: ScopeLogs = { scope: { name: '' }, logRecords: [] };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) scopeLogs.scope = readScope(decoder);
    else if (tag === 0x12) {
      const record = readLogRecord(decoder);
      const problem = idProblem(record);
      if (problem === undefined) scopeLogs.logRecords.push(record);
      else rejections.add(1, problem);
    } else if (tag === 0x1a) scopeLogs.schemaUrl = readOptionalString(decoder);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  if (scopeLogs.schemaUrl === undefined) delete scopeLogs.schemaUrl;
  return scopeLogs;
}

function readLogRecord(decoder: ProtobufDecoder): LogRecord {
  const record: LogRecord = { observedTimeUnixNano: 0n, attributes: {} };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x09:
        record.timeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x10:
        setNonZero(record, 'severityNumber', decoder.uint32());
        break;
      case 0x1a:
        record.severityText = readOptionalString(decoder);
        break;
      case 0x2a:
        record.body = readAnyValue(decoder);
        break;
      case 0x32:
        readKeyValue(decoder, record.attributes);
        break;
      case 0x38:
        setNonZero(record, 'droppedAttributesCount', decoder.uint32());
        break;
      case 0x45:
        setNonZero(record, 'flags', decoder.fixed32());
        break;
      case 0x4a:
        record.traceId = decoder.bytesCopy();
        break;
      case 0x52:
        record.spanId = decoder.bytesCopy();
        break;
      case 0x59:
        record.observedTimeUnixNano = decoder.fixed64BigInt();
        break;
      case 0x62:
        record.eventName = readOptionalString(decoder);
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  if (record.severityText === undefined) delete record.severityText;
  if (record.eventName === undefined) delete record.eventName;
  return record;
}

/** Sets an optional count or enum, leaving it out when it holds the proto3 default 0. */
function setNonZero(
  record: LogRecord,
  key: 'severityNumber' | 'droppedAttributesCount' | 'flags',
  value: number,
): void {
  if (value === 0) delete record[key];
  else record[key] = value;
}

/** Why a record's ids are unusable (OTLP: a trace id is 16 bytes, a span id 8, or absent); undefined when fine. */
export function idProblem(record: LogRecord): string | undefined {
  const trace = record.traceId?.length ?? 0;
  const span = record.spanId?.length ?? 0;
  if (trace !== 0 && trace !== 16) return `a log record has a trace id of ${trace} bytes instead of 16`;
  if (span !== 0 && span !== 8) return `a log record has a span id of ${span} bytes instead of 8`;
  return undefined;
}
