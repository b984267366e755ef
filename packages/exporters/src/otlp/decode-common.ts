// Decoders for the messages of opentelemetry/proto/common/v1 and resource/v1, shared by the
// metrics and logs decoders; the counterpart of encode-common.ts.
//
// Every message decoder switches on the whole tag (field number << 3 | wire type), so a known
// field arriving with an unexpected wire type falls through to `skipTag` like an unknown field, as
// the Go implementation treats it. Unknown fields are skipped, so messages from newer senders decode.

import type { AnyValue, Attributes, InstrumentationScope, Resource } from '@wasmpipe/core';
import { OtlpDecodeError, type ProtobufDecoder } from './protobuf-decoder.ts';

/** AnyValue arrays and key-value lists nest; deeper input is refused rather than overflowing the stack. */
const MAX_NESTING = 64;

/** Reads one length-delimited `KeyValue` into `attributes`; a repeated key keeps its last value. */
export function readKeyValue(decoder: ProtobufDecoder, attributes: Attributes, depth = 0): void {
  const outer = decoder.enter();
  let key = '';
  let value: AnyValue = null;
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) key = decoder.string();
    else if (tag === 0x12) value = readAnyValue(decoder, depth);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  setAttribute(attributes, key, value);
}

/** Sets an attribute; a key named `__proto__` becomes an ordinary property, not the object's prototype. */
export function setAttribute(attributes: Attributes, key: string, value: AnyValue): void {
  if (key === '__proto__')
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  else attributes[key] = value;
}

/** Reads a length-delimited `AnyValue`; an empty one is null, an int64 beyond 2^53 a bigint. */
export function readAnyValue(decoder: ProtobufDecoder, depth = 0): AnyValue {
  if (depth > MAX_NESTING) {
    throw new OtlpDecodeError(`AnyValue nested deeper than ${MAX_NESTING} levels at byte ${decoder.position}.`);
  }
  const outer = decoder.enter();
  let value: AnyValue = null;
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x0a:
        value = decoder.string();
        break;
      case 0x10:
        value = decoder.int64() !== 0;
        break;
      case 0x18:
        value = decoder.int64();
        break;
      case 0x21:
        value = decoder.double();
        break;
      case 0x2a:
        value = readArrayValue(decoder, depth + 1);
        break;
      case 0x32:
        value = readKeyValueList(decoder, depth + 1);
        break;
      case 0x3a:
        value = decoder.bytesCopy();
        break;
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return value;
}

function readArrayValue(decoder: ProtobufDecoder, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) values.push(readAnyValue(decoder, depth));
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return values;
}

function readKeyValueList(decoder: ProtobufDecoder, depth: number): Attributes {
  const attributes: Attributes = {};
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) readKeyValue(decoder, attributes, depth);
    else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return attributes;
}

/** Reads a length-delimited `Resource`. */
export function readResource(decoder: ProtobufDecoder): Resource {
  const resource: Resource = { attributes: {} };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    if (tag === 0x0a) readKeyValue(decoder, resource.attributes);
    else if (tag === 0x10) {
      const dropped = decoder.uint32();
      if (dropped !== 0) resource.droppedAttributesCount = dropped;
    } else decoder.skipTag(tag);
  }
  decoder.leave(outer);
  return resource;
}

/** Reads a length-delimited `InstrumentationScope`. */
export function readScope(decoder: ProtobufDecoder): InstrumentationScope {
  const scope: InstrumentationScope = { name: '' };
  const outer = decoder.enter();
  while (decoder.more()) {
    const tag = decoder.uint32();
    switch (tag) {
      case 0x0a:
        scope.name = decoder.string();
        break;
      case 0x12: {
        const version = decoder.string();
        if (version !== '') scope.version = version;
        break;
      }
      case 0x1a:
        scope.attributes ??= {};
        readKeyValue(decoder, scope.attributes);
        break;
      case 0x20: {
        const dropped = decoder.uint32();
        if (dropped !== 0) scope.droppedAttributesCount = dropped;
        break;
      }
      default:
        decoder.skipTag(tag);
    }
  }
  decoder.leave(outer);
  return scope;
}

/** Reads a string field, or undefined when it is empty (the proto3 default). */
export function readOptionalString(decoder: ProtobufDecoder): string | undefined {
  const value = decoder.string();
  return value === '' ? undefined : value;
}
