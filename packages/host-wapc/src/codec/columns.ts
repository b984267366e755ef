// Packed columns: one bin of little-endian fixed-width cells (u32, u64, f64) and bitmaps. Cells
// are written and read through a DataView (they are unaligned inside the msgpack stream).

import { type WireReader, wireError } from './wire-reader.ts';
import type { WireWriter } from './wire-writer.ts';

const TWO_TO_32 = 0x100000000;

/** Writes numbers as a packed f64 column. */
export function writePackedF64(writer: WireWriter, values: readonly number[]): void {
  const length = values.length * 8;
  writer.binHeader(length);
  const view = writer.view;
  let at = writer.position;
  for (let index = 0; index < values.length; index++, at += 8) view.setFloat64(at, values[index] as number, true);
  writer.position = at;
}

/** Writes non-negative integers as a packed u64 column. */
export function writePackedU64(writer: WireWriter, values: readonly number[]): void {
  writer.binHeader(values.length * 8);
  const view = writer.view;
  let at = writer.position;
  for (let index = 0; index < values.length; index++, at += 8) {
    const value = values[index] as number;
    view.setUint32(at, value >>> 0, true);
    view.setUint32(at + 4, Math.floor(value / TWO_TO_32), true);
  }
  writer.position = at;
}

/** Reads a packed f64 column. */
export function readPackedF64(reader: WireReader, what: string): number[] {
  const length = reader.binHeader(what);
  if (length % 8 !== 0) throw wireError(what, 'a multiple of 8 bytes', `${length}`);
  const values = new Array<number>(length / 8);
  const view = reader.view;
  let at = reader.position;
  for (let index = 0; index < values.length; index++, at += 8) values[index] = view.getFloat64(at, true);
  reader.position = at;
  return values;
}

/** Reads a packed u64 column as numbers (exact up to 2^53). */
export function readPackedU64(reader: WireReader, what: string): number[] {
  const length = reader.binHeader(what);
  if (length % 8 !== 0) throw wireError(what, 'a multiple of 8 bytes', `${length}`);
  const values = new Array<number>(length / 8);
  const view = reader.view;
  let at = reader.position;
  for (let index = 0; index < values.length; index++, at += 8) {
    values[index] = view.getUint32(at + 4, true) * TWO_TO_32 + view.getUint32(at, true);
  }
  reader.position = at;
  return values;
}

/**
 * Writes timestamps as a packed u64 column; `absent` (undefined) is written as 0. A run of equal
 * timestamps (the common case: one scrape, one time) is converted from bigint once.
 */
export class NanosColumnWriter {
  #last: bigint | undefined = undefined;
  #low = 0;
  #high = 0;

  /** Writes one cell at `at`. */
  write(view: DataView, at: number, value: bigint | undefined): void {
    if (value === undefined) {
      view.setUint32(at, 0, true);
      view.setUint32(at + 4, 0, true);
      return;
    }
    if (value !== this.#last) {
      this.#last = value;
      this.#low = Number(value & 0xffffffffn);
      this.#high = Number(value >> 32n);
    }
    view.setUint32(at, this.#low, true);
    view.setUint32(at + 4, this.#high, true);
  }
}

/** Reads timestamp cells; equal consecutive cells share one bigint. 0 reads as undefined. */
export class NanosColumnReader {
  #low = -1;
  #high = -1;
  #last: bigint | undefined = undefined;

  /** Reads one cell at `at`. */
  read(view: DataView, at: number): bigint | undefined {
    const low = view.getUint32(at, true);
    const high = view.getUint32(at + 4, true);
    if (low !== this.#low || high !== this.#high) {
      this.#low = low;
      this.#high = high;
      this.#last = low === 0 && high === 0 ? undefined : view.getBigUint64(at, true);
    }
    return this.#last;
  }
}

/** True when bit `index` of a bitmap is set (bit i & 7 of byte i >> 3). */
export function bitIsSet(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >>> 3] ?? 0) & (1 << (index & 7))) !== 0;
}
