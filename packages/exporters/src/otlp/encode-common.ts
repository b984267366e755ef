// Encoders for the messages of opentelemetry/proto/common/v1 and resource/v1, shared by the
// metrics and logs encoders. Field numbers are those of opentelemetry-proto.

import type { AnyValue, Attributes, InstrumentationScope, Resource } from '@wasmpipe/core';
import { type ProtobufWriter, WireType } from './protobuf-writer.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Writes each attribute as a repeated `KeyValue` field numbered `fieldNumber`. */
export function writeAttributes(writer: ProtobufWriter, fieldNumber: number, attributes: Attributes | undefined): void {
  if (attributes === undefined) return;
  for (const key in attributes) {
    const keyValue = writer.beginMessage(fieldNumber);
    writeKeyValueBody(writer, key, attributes[key] as AnyValue);
    writer.endMessage(keyValue);
  }
}

/** Writes an `AnyValue` message as field `fieldNumber`; null becomes an empty AnyValue. */
export function writeAnyValueField(writer: ProtobufWriter, fieldNumber: number, value: AnyValue): void {
  const start = writer.beginMessage(fieldNumber);
  writeAnyValueBody(writer, value);
  writer.endMessage(start);
}

/** Writes `Resource` as field `fieldNumber` (always present, possibly empty). */
export function writeResource(writer: ProtobufWriter, fieldNumber: number, resource: Resource): void {
  const start = writer.beginMessage(fieldNumber);
  writeAttributes(writer, 1, resource.attributes);
  if (resource.droppedAttributesCount) {
    writer.tag(2, WireType.VARINT);
    writer.varint32(resource.droppedAttributesCount);
  }
  writer.endMessage(start);
}

/** Writes `InstrumentationScope` as field `fieldNumber` (always present, possibly empty). */
export function writeScope(writer: ProtobufWriter, fieldNumber: number, scope: InstrumentationScope): void {
  const start = writer.beginMessage(fieldNumber);
  writeStringField(writer, 1, scope.name);
  writeStringField(writer, 2, scope.version);
  writeAttributes(writer, 3, scope.attributes);
  if (scope.droppedAttributesCount) {
    writer.tag(4, WireType.VARINT);
    writer.varint32(scope.droppedAttributesCount);
  }
  writer.endMessage(start);
}

/** Writes a string field unless it is absent or empty (the proto3 default). */
export function writeStringField(writer: ProtobufWriter, fieldNumber: number, value: string | undefined): void {
  if (value === undefined || value === '') return;
  writer.tag(fieldNumber, WireType.LENGTH_DELIMITED);
  writer.string(value);
}

/** Writes a bytes field unless it is absent or empty. */
export function writeBytesField(writer: ProtobufWriter, fieldNumber: number, value: Uint8Array | undefined): void {
  if (value === undefined || value.length === 0) return;
  writer.tag(fieldNumber, WireType.LENGTH_DELIMITED);
  writer.bytes(value);
}

/** True when a JS number is sent as an OTLP integer: a safe integer; any other number is a double. */
export function isWholeNumber(value: number): boolean {
  return Number.isInteger(value) && value <= MAX_SAFE && value >= -MAX_SAFE;
}

function writeKeyValueBody(writer: ProtobufWriter, key: string, value: AnyValue): void {
  writer.tag(1, WireType.LENGTH_DELIMITED);
  writer.string(key);
  writeAnyValueField(writer, 2, value);
}

function writeAnyValueBody(writer: ProtobufWriter, value: AnyValue): void {
  switch (typeof value) {
    case 'string':
      writer.tag(1, WireType.LENGTH_DELIMITED);
      writer.string(value);
      return;
    case 'number':
      if (isWholeNumber(value)) {
        writer.tag(3, WireType.VARINT);
        writer.int64(value);
      } else {
        writer.tag(4, WireType.FIXED64);
        writer.double(value);
      }
      return;
    case 'boolean':
      writer.tag(2, WireType.VARINT);
      writer.varint32(value ? 1 : 0);
      return;
    case 'bigint':
      writer.tag(3, WireType.VARINT);
      writer.int64BigInt(value);
      return;
  }
  if (value === null || value === undefined) return;
  if (value instanceof Uint8Array) {
    writer.tag(7, WireType.LENGTH_DELIMITED);
    writer.bytes(value);
    return;
  }
  if (Array.isArray(value)) {
    const array = writer.beginMessage(5);
    for (const item of value as readonly AnyValue[]) writeAnyValueField(writer, 1, item);
    writer.endMessage(array);
    return;
  }
  const list = writer.beginMessage(6);
  writeAttributes(writer, 1, value as Attributes);
  writer.endMessage(list);
}
