// The on-disk format of the persistent sending queue (docs/delivery.md describes it for people).
//
// segment-<20 digits>.wpq: append-only, never rewritten.
//   header  "WPQSEG" 0x00 0x01                               8 bytes
//   record  sync u32 | body length u32 | CRC-32 of body u32 | body
//   body    kind u8 (1 or 2) | signal u8 (1 metrics, 2 logs) | items LEB128 | key count LEB128 |
//           keys u32 each | kind 2 only: id length LEB128 | id UTF-8 | the batch (batch-codec.ts)
//           Kind 1 (no batch id) is what earlier versions wrote; it is still read.
// acks.wpq: append-only, compacted by rewriting a copy and renaming it over the old one.
//   header  "WPQACK" 0x00 0x01                               8 bytes
//   entry   segment u32 | offset u32 | kind u8 (1 sending, 2 done) | 0 0 0 | CRC-32 of the first 12 bytes
// Integers are little-endian. The sync word lets a reader find the next record after damage.

import type { Signal } from '../../model/common.ts';
import { crc32 } from '../crc32.ts';

export const SEGMENT_HEADER = Uint8Array.of(0x57, 0x50, 0x51, 0x53, 0x45, 0x47, 0x00, 0x01);
export const ACKS_HEADER = Uint8Array.of(0x57, 0x50, 0x51, 0x41, 0x43, 0x4b, 0x00, 0x01);
const SYNC = 0xa6_93_9f_f0;
export const FRAME_OVERHEAD = 12;
export const ACK_ENTRY_SIZE = 16;
/** A record without a batch id (written by earlier versions, still read). */
const RECORD_KIND = 1;
/** A record with a batch id after the stream keys. */
const RECORD_KIND_WITH_ID = 2;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
export const ACK_SENDING = 1;
export const ACK_DONE = 2;

/** What a record says about its batch without decoding it. */
export interface RecordHeader {
  signal: Signal;
  items: number;
  keys: number[];
  /** The batch's id, kept across retries and restarts; absent in records of earlier versions. */
  id?: string;
  /** Where the encoded batch starts within the body. */
  batchStart: number;
}

/** A record found in a segment. */
export interface FoundRecord {
  offset: number;
  /** Body length in bytes. */
  length: number;
  header: RecordHeader;
}

/** What reading a segment found, damage included. */
export interface SegmentScan {
  records: FoundRecord[];
  /** Byte ranges skipped because they were damaged, with why. */
  damaged: Array<{ offset: number; bytes: number; reason: string }>;
  /** Bytes at the end that hold an incomplete record (a write cut short by a crash). */
  tornTail: number;
  /** True when the file does not start with the segment header. */
  badHeader: boolean;
}

/** Builds a whole record (frame and body) for a batch already encoded; with an `id`, a kind 2 record. */
export function encodeRecord(
  signal: Signal,
  items: number,
  keys: readonly number[],
  batch: Uint8Array,
  id?: string,
): Uint8Array {
  const head: number[] = [id === undefined ? RECORD_KIND : RECORD_KIND_WITH_ID, signal === 'metrics' ? 1 : 2];
  pushVarint(head, items);
  pushVarint(head, keys.length);
  const idBytes = id === undefined ? undefined : textEncoder.encode(id);
  const idHead: number[] = [];
  if (idBytes) pushVarint(idHead, idBytes.length);
  const idLength = idBytes ? idHead.length + idBytes.length : 0;
  const bodyLength = head.length + keys.length * 4 + idLength + batch.length;
  const record = new Uint8Array(FRAME_OVERHEAD + bodyLength);
  const view = new DataView(record.buffer);
  record.set(head, FRAME_OVERHEAD);
  let offset = FRAME_OVERHEAD + head.length;
  for (const key of keys) {
    view.setUint32(offset, key, true);
    offset += 4;
  }
  if (idBytes) {
    record.set(idHead, offset);
    record.set(idBytes, offset + idHead.length);
    offset += idLength;
  }
  record.set(batch, offset);
  view.setUint32(0, SYNC, true);
  view.setUint32(4, bodyLength, true);
  view.setUint32(8, crc32(record, FRAME_OVERHEAD), true);
  return record;
}

/** Reads the header of a record body; throws when it is malformed. */
export function readRecordHeader(body: Uint8Array): RecordHeader {
  const kind = body[0];
  if (kind !== RECORD_KIND && kind !== RECORD_KIND_WITH_ID) throw new Error(`unknown record kind ${kind}`);
  const signalByte = body[1];
  if (signalByte !== 1 && signalByte !== 2) throw new Error(`unknown signal ${signalByte}`);
  const position = { offset: 2 };
  const items = readVarint(body, position);
  const count = readVarint(body, position);
  if (position.offset + count * 4 > body.length) throw new Error('key list runs past the record');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const keys: number[] = [];
  for (let index = 0; index < count; index++) keys.push(view.getUint32(position.offset + index * 4, true));
  position.offset += count * 4;
  const signal: Signal = signalByte === 1 ? 'metrics' : 'logs';
  if (kind === RECORD_KIND) return { signal, items, keys, batchStart: position.offset };
  const idLength = readVarint(body, position);
  if (position.offset + idLength > body.length) throw new Error('batch id runs past the record');
  const id = textDecoder.decode(body.subarray(position.offset, position.offset + idLength));
  return { signal, items, keys, id, batchStart: position.offset + idLength };
}

/**
 * Checks the frame at `offset` of `bytes` (a whole record, or a whole segment) and returns its
 * body, or a reason it is not a good record.
 */
export function readFrame(
  bytes: Uint8Array,
  offset: number,
): { body: Uint8Array } | { problem: string; torn: boolean } {
  if (offset + FRAME_OVERHEAD > bytes.length) return { problem: 'incomplete record header', torn: true };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(offset, true) !== SYNC) return { problem: 'no record starts here', torn: false };
  const length = view.getUint32(offset + 4, true);
  const start = offset + FRAME_OVERHEAD;
  if (start + length > bytes.length) return { problem: 'record runs past the end of the file', torn: true };
  if (crc32(bytes, start, start + length) !== view.getUint32(offset + 8, true)) {
    return { problem: 'checksum mismatch', torn: false };
  }
  return { body: bytes.subarray(start, start + length) };
}

/** Reads every good record of a segment, skipping damaged bytes up to the next good record. */
export function scanSegment(bytes: Uint8Array): SegmentScan {
  const scan: SegmentScan = { records: [], damaged: [], tornTail: 0, badHeader: false };
  if (bytes.length < SEGMENT_HEADER.length || !SEGMENT_HEADER.every((byte, index) => bytes[index] === byte)) {
    scan.badHeader = true;
    return scan;
  }
  let offset = SEGMENT_HEADER.length;
  while (offset < bytes.length) {
    const frame = readFrame(bytes, offset);
    if ('body' in frame) {
      try {
        scan.records.push({ offset, length: frame.body.length, header: readRecordHeader(frame.body) });
        offset += FRAME_OVERHEAD + frame.body.length;
        continue;
      } catch (error) {
        const next = findNextRecord(bytes, offset + 1);
        scan.damaged.push({ offset, bytes: next - offset, reason: `bad record header: ${(error as Error).message}` });
        offset = next;
        continue;
      }
    }
    const next = findNextRecord(bytes, offset + 1);
    if (next === bytes.length && frame.torn) {
      scan.tornTail = bytes.length - offset;
    } else {
      scan.damaged.push({ offset, bytes: next - offset, reason: frame.problem });
    }
    offset = next;
  }
  return scan;
}

/** The offset of the next good record at or after `from`, or the end of the bytes. */
function findNextRecord(bytes: Uint8Array, from: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = from; offset + FRAME_OVERHEAD <= bytes.length; offset++) {
    if (view.getUint32(offset, true) !== SYNC) continue;
    if ('body' in readFrame(bytes, offset)) return offset;
  }
  return bytes.length;
}

/** One entry of the ack log. */
export function encodeAck(segment: number, offset: number, kind: number): Uint8Array {
  const entry = new Uint8Array(ACK_ENTRY_SIZE);
  const view = new DataView(entry.buffer);
  view.setUint32(0, segment, true);
  view.setUint32(4, offset, true);
  entry[8] = kind;
  view.setUint32(12, crc32(entry, 0, 12), true);
  return entry;
}

/** The entries of an ack log; damaged entries and a torn tail are counted, not returned. */
export function scanAcks(bytes: Uint8Array): {
  entries: Array<{ segment: number; offset: number; kind: number }>;
  damaged: number;
  badHeader: boolean;
} {
  if (bytes.length < ACKS_HEADER.length || !ACKS_HEADER.every((byte, index) => bytes[index] === byte)) {
    return { entries: [], damaged: 0, badHeader: bytes.length > 0 };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: Array<{ segment: number; offset: number; kind: number }> = [];
  let damaged = 0;
  for (let offset = ACKS_HEADER.length; offset + ACK_ENTRY_SIZE <= bytes.length; offset += ACK_ENTRY_SIZE) {
    const kind = bytes[offset + 8] as number;
    if (crc32(bytes, offset, offset + 12) !== view.getUint32(offset + 12, true) || (kind !== 1 && kind !== 2)) {
      damaged++;
      continue;
    }
    entries.push({ segment: view.getUint32(offset, true), offset: view.getUint32(offset + 4, true), kind });
  }
  return { entries, damaged, badHeader: false };
}

function pushVarint(target: number[], value: number): void {
  let remaining = value;
  while (remaining >= 0x80) {
    target.push((remaining % 128) | 0x80);
    remaining = Math.floor(remaining / 128);
  }
  target.push(remaining);
}

function readVarint(bytes: Uint8Array, position: { offset: number }): number {
  let result = 0;
  let scale = 1;
  for (let index = 0; index < 8; index++) {
    const byte = bytes[position.offset++];
    if (byte === undefined) throw new Error('number runs past the record');
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 128;
  }
  throw new Error('number too long');
}
