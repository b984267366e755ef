// Encodes a core LogsBatch as an OTLP `ExportLogsServiceRequest` (protobuf), following
// opentelemetry/proto/logs/v1/logs.proto. Scalar fields holding their proto3 default are left out.

import type { LogRecord, LogsBatch, ResourceLogs } from '@wasmpipe/core';
import {
  writeAnyValueField,
  writeAttributes,
  writeBytesField,
  writeResource,
  writeScope,
  writeStringField,
} from './encode-common.ts';
import { ProtobufWriter, WireType } from './protobuf-writer.ts';

const sharedWriter = new ProtobufWriter();

/** Encodes a logs batch as the protobuf bytes of an OTLP `ExportLogsServiceRequest`. */
export function encodeLogsRequest(batch: LogsBatch): Uint8Array<ArrayBuffer> {
  const writer = sharedWriter;
  try {
    for (const resourceLogs of batch.resourceLogs) writeResourceLogs(writer, resourceLogs);
    return writer.finish();
  } catch (error) {
    writer.reset();
    throw error;
  }
}

function writeResourceLogs(writer: ProtobufWriter, resourceLogs: ResourceLogs): void {
  const resourceStart = writer.beginMessage(1);
  writeResource(writer, 1, resourceLogs.resource);
  for (const scopeLogs of resourceLogs.scopeLogs) {
    const scopeStart = writer.beginMessage(2);
    writeScope(writer, 1, scopeLogs.scope);
    for (const record of scopeLogs.logRecords) writeLogRecord(writer, record);
    writeStringField(writer, 3, scopeLogs.schemaUrl);
    writer.endMessage(scopeStart);
  }
  writeStringField(writer, 3, resourceLogs.schemaUrl);
  writer.endMessage(resourceStart);
}

function writeLogRecord(writer: ProtobufWriter, record: LogRecord): void {
  const start = writer.beginMessage(2);
  if (record.timeUnixNano !== undefined && record.timeUnixNano !== 0n) {
    writer.tag(1, WireType.FIXED64);
    writer.fixed64BigInt(record.timeUnixNano);
  }
  if (record.severityNumber) {
    writer.tag(2, WireType.VARINT);
    writer.varint32(record.severityNumber);
  }
  writeStringField(writer, 3, record.severityText);
  if (record.body !== undefined) writeAnyValueField(writer, 5, record.body);
  writeAttributes(writer, 6, record.attributes);
  if (record.droppedAttributesCount) {
    writer.tag(7, WireType.VARINT);
    writer.varint32(record.droppedAttributesCount);
  }
  if (record.flags) {
    writer.tag(8, WireType.FIXED32);
    writer.fixed32(record.flags);
  }
  writeBytesField(writer, 9, record.traceId);
  writeBytesField(writer, 10, record.spanId);
  if (record.observedTimeUnixNano !== 0n) {
    writer.tag(11, WireType.FIXED64);
    writer.fixed64BigInt(record.observedTimeUnixNano);
  }
  // `event_name` (field 12) is newer than some receivers; they skip it as an unknown field.
  writeStringField(writer, 12, record.eventName);
  writer.endMessage(start);
}
