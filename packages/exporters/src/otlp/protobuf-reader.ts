// The little protobuf decoding the exporters need: OTLP export responses (partial success) and
// the `google.rpc.Status` an OTLP server sends with an error. Unknown fields are skipped.

import { WireType } from './protobuf-writer.ts';

const textDecoder = new TextDecoder();

/** What an OTLP `Export*PartialSuccess` says: items the server rejected, and why. */
export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** Visits each top-level field of a message; `read` gets varints as numbers and length-delimited fields as bytes. */
function readFields(bytes: Uint8Array, visit: (fieldNumber: number, value: number | Uint8Array) => void): void {
  let position = 0;
  const readVarint = (): number => {
    let result = 0;
    let multiplier = 1;
    for (let shift = 0; shift < 70; shift += 7) {
      if (position >= bytes.length) throw new Error('truncated varint');
      const byte = bytes[position++] as number;
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    throw new Error('varint too long');
  };
  while (position < bytes.length) {
    const tag = readVarint();
    const fieldNumber = Math.floor(tag / 8);
    switch (tag & 7) {
      case WireType.VARINT:
        visit(fieldNumber, readVarint());
        break;
      case WireType.FIXED64:
        position += 8;
        break;
      case WireType.LENGTH_DELIMITED: {
        const length = readVarint();
        if (position + length > bytes.length) throw new Error('truncated field');
        visit(fieldNumber, bytes.subarray(position, position + length));
        position += length;
        break;
      }
      case WireType.FIXED32:
        position += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${tag & 7}`);
    }
  }
}

/**
 * Reads the `partial_success` of an OTLP export response (metrics, logs and traces share the
 * shape); undefined when absent or when the body is not a valid response.
 */
export function readPartialSuccess(body: Uint8Array): PartialSuccess | undefined {
  try {
    let partial: PartialSuccess | undefined;
    readFields(body, (fieldNumber, value) => {
      if (fieldNumber !== 1 || typeof value === 'number') return;
      const result: PartialSuccess = { rejected: 0, errorMessage: '' };
      readFields(value, (innerNumber, innerValue) => {
        // A negative int64 would read as a huge number; a rejected count is never negative.
        if (innerNumber === 1 && typeof innerValue === 'number') result.rejected = innerValue;
        if (innerNumber === 2 && typeof innerValue !== 'number') result.errorMessage = textDecoder.decode(innerValue);
      });
      partial = result;
    });
    return partial;
  } catch {
    return undefined;
  }
}

/** Reads the message of a protobuf `google.rpc.Status`; undefined when there is none. */
export function readStatusMessage(body: Uint8Array): string | undefined {
  try {
    let message: string | undefined;
    readFields(body, (fieldNumber, value) => {
      if (fieldNumber === 2 && typeof value !== 'number') message = textDecoder.decode(value);
    });
    return message;
  } catch {
    return undefined;
  }
}
