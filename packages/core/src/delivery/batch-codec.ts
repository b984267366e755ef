// A lossless binary form of wasmpipe batches, for the persistent sending queue. It is schema-less
// (any tree of plain objects, arrays, strings, numbers, bigints, booleans, null and Uint8Array),
// so every field of the record model survives exactly, including ones OTLP would fold together
// (`isInteger`, a bigint next to a number, -0, NaN). Object keys are written once per batch and
// referenced by index afterwards, which keeps repeated field names cheap.
//
//   value  := tag payload
//   0 null | 1 undefined | 2 false | 3 true
//   4 float64 (8 bytes, little-endian)
//   5 integer below 2^52 in magnitude, zigzag LEB128 (other numbers are float64, also exact)
//   6 bigint that fits 64 bits signed (8 bytes, little-endian)
//   7 bigint, any size: LEB128 length + decimal text
//   8 string: LEB128 byte length + UTF-8
//   9 bytes: LEB128 length + raw bytes
//  10 array: LEB128 count + values
//  11 object: LEB128 count + (key, value)*; key := LEB128 k; k = 0 is a new key (LEB128 length +
//     UTF-8, appended to the key table), k > 0 is the key table's entry k - 1

const NULL = 0;
const UNDEFINED = 1;
const FALSE = 2;
const TRUE = 3;
const FLOAT64 = 4;
const INTEGER = 5;
const BIGINT64 = 6;
const BIGINT_TEXT = 7;
const STRING = 8;
const BYTES = 9;
const ARRAY = 10;
const OBJECT = 11;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a value tree (a batch) to bytes. */
export function encodeValue(value: unknown): Uint8Array<ArrayBuffer> {
  const writer = new Writer();
  writer.value(value);
  return writer.finish();
}

/** Decodes bytes written by {@link encodeValue}; throws on malformed input. */
export function decodeValue(bytes: Uint8Array): unknown {
  const reader = new Reader(bytes);
  const value = reader.value();
  if (reader.offset !== bytes.length) throw new Error(`${bytes.length - reader.offset} trailing byte(s).`);
  return value;
}

class Writer {
  #bytes = new Uint8Array(1024);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;
  readonly #keys = new Map<string, number>();

  finish(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice(0, this.#length);
  }

  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.#byte(STRING);
        this.#string(value);
        return;
      case 'number':
        if (Number.isInteger(value) && Math.abs(value) < 2 ** 52 && !Object.is(value, -0)) {
          this.#byte(INTEGER);
          this.#varint(value < 0 ? -2 * value - 1 : 2 * value);
        } else {
          this.#reserve(9);
          this.#bytes[this.#length++] = FLOAT64;
          this.#view.setFloat64(this.#length, value, true);
          this.#length += 8;
        }
        return;
      case 'bigint':
        if (BigInt.asIntN(64, value) === value) {
          this.#reserve(9);
          this.#bytes[this.#length++] = BIGINT64;
          this.#view.setBigInt64(this.#length, value, true);
          this.#length += 8;
        } else {
          this.#byte(BIGINT_TEXT);
          this.#string(value.toString());
        }
        return;
      case 'boolean':
        this.#byte(value ? TRUE : FALSE);
        return;
      case 'undefined':
        this.#byte(UNDEFINED);
        return;
    }
    if (value === null) {
      this.#byte(NULL);
    } else if (value instanceof Uint8Array) {
      this.#byte(BYTES);
      this.#varint(value.length);
      this.#reserve(value.length);
      this.#bytes.set(value, this.#length);
      this.#length += value.length;
    } else if (Array.isArray(value)) {
      this.#byte(ARRAY);
      this.#varint(value.length);
      for (const item of value) this.value(item);
    } else if (typeof value === 'object') {
      const record = value as Record<string, unknown>;
      let count = 0;
      for (const key in record) if (record[key] !== undefined) count++;
      this.#byte(OBJECT);
      this.#varint(count);
      for (const key in record) {
        if (record[key] === undefined) continue;
        const index = this.#keys.get(key);
        if (index === undefined) {
          this.#keys.set(key, this.#keys.size + 1);
          this.#byte(0);
          this.#string(key);
        } else {
          this.#varint(index);
        }
        this.value(record[key]);
      }
    } else {
      throw new TypeError(`Cannot store a ${typeof value} in the sending queue.`);
    }
  }

  #string(text: string): void {
    if (text.length < 43) {
      // At most 126 UTF-8 bytes: the length fits one varint byte.
      this.#reserve(1 + text.length * 3);
      const start = this.#length++;
      let ascii = true;
      for (let index = 0; index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (code >= 0x80) {
          ascii = false;
          break;
        }
        this.#bytes[start + 1 + index] = code;
      }
      const written = ascii ? text.length : utf8Encoder.encodeInto(text, this.#bytes.subarray(start + 1)).written;
      this.#bytes[start] = written;
      this.#length = start + 1 + written;
      return;
    }
    // A five-byte padded varint leaves room for any length, and still decodes as LEB128.
    this.#reserve(5 + text.length * 3);
    const start = this.#length;
    const written = utf8Encoder.encodeInto(text, this.#bytes.subarray(start + 5)).written;
    let remaining = written;
    for (let index = 0; index < 4; index++) {
      this.#bytes[start + index] = (remaining & 0x7f) | 0x80;
      remaining = Math.floor(remaining / 128);
    }
    this.#bytes[start + 4] = remaining;
    this.#length = start + 5 + written;
  }

  #byte(value: number): void {
    this.#reserve(1);
    this.#bytes[this.#length++] = value;
  }

  #varint(value: number): void {
    this.#reserve(10);
    let remaining = value;
    while (remaining >= 0x80) {
      this.#bytes[this.#length++] = (remaining % 128) | 0x80;
      remaining = Math.floor(remaining / 128);
    }
    this.#bytes[this.#length++] = remaining;
  }

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }
}

class Reader {
  offset = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #keys: string[] = [];

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(): unknown {
    const tag = this.#take(1);
    switch (this.#bytes[tag]) {
      case NULL:
        return null;
      case UNDEFINED:
        return undefined;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case FLOAT64:
        return this.#view.getFloat64(this.#take(8), true);
      case INTEGER: {
        const zigzag = this.#varint();
        return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      }
      case BIGINT64:
        return this.#view.getBigInt64(this.#take(8), true);
      case BIGINT_TEXT:
        return BigInt(this.#string());
      case STRING:
        return this.#string();
      case BYTES: {
        const length = this.#varint();
        const start = this.#take(length);
        return this.#bytes.slice(start, start + length);
      }
      case ARRAY: {
        const count = this.#varint();
        const array = new Array(count);
        for (let index = 0; index < count; index++) array[index] = this.value();
        return array;
      }
      case OBJECT: {
        const count = this.#varint();
        const record: Record<string, unknown> = {};
        for (let index = 0; index < count; index++) {
          const reference = this.#varint();
          let key: string;
          if (reference === 0) {
            key = this.#string();
            this.#keys.push(key);
          } else {
            const known = this.#keys[reference - 1];
            if (known === undefined) throw new Error(`Unknown key reference ${reference} at byte ${this.offset}.`);
            key = known;
          }
          record[key] = this.value();
        }
        return record;
      }
      default:
        throw new Error(`Unknown value tag ${this.#bytes[tag]} at byte ${tag}.`);
    }
  }

  #string(): string {
    const length = this.#varint();
    const start = this.#take(length);
    if (length < 32) {
      let text = '';
      for (let index = start; index < start + length; index++) {
        const code = this.#bytes[index] as number;
        if (code >= 0x80) return utf8Decoder.decode(this.#bytes.subarray(start, start + length));
        text += String.fromCharCode(code);
      }
      return text;
    }
    return utf8Decoder.decode(this.#bytes.subarray(start, start + length));
  }

  #varint(): number {
    let result = 0;
    let scale = 1;
    for (let shift = 0; shift < 8; shift++) {
      const byte = this.#bytes[this.#take(1)] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error(`A length at byte ${this.offset} is too long.`);
  }

  #take(length: number): number {
    const start = this.offset;
    if (start + length > this.#bytes.length) throw new Error(`Unexpected end of data at byte ${start}.`);
    this.offset = start + length;
    return start;
  }
}
