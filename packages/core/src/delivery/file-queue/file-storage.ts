import type { Signal } from '../../model/common.ts';
import type { FileHandle, FileSystem } from '../../platform/files.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { decodeValue, encodeValue } from '../batch-codec.ts';
import type { AnyBatch, BatchDetails, PreparedBatch, QueueEntry, QueueStorage } from '../queue-storage.ts';
import {
  ACK_DONE,
  ACK_SENDING,
  ACKS_HEADER,
  encodeAck,
  encodeRecord,
  FRAME_OVERHEAD,
  readFrame,
  readRecordHeader,
  SEGMENT_HEADER,
  scanAcks,
  scanSegment,
} from './format.ts';

/** Where a stored batch is. */
interface Location {
  segment: number;
  offset: number;
  /** Body length. */
  length: number;
}

interface Segment {
  /** Records not yet done. */
  live: number;
  /** Offsets of records done (sent, given up, dropped). */
  done: Set<number>;
  /** Offsets of live records that were handed to a sender at least once. */
  sending: Set<number>;
  reader: Promise<FileHandle> | undefined;
}

/** Settings of a {@link FileStorage}. */
export interface FileStorageOptions {
  files: FileSystem;
  /** This queue's own directory. */
  directory: string;
  logger: Logger;
  fsync: boolean;
  /** A new segment file is started once the current one reaches this size. */
  segmentBytes?: number;
  /** The ack log is compacted once it reaches this size. */
  compactAcksBytes?: number;
}

const SEGMENT_NAME = /^segment-(\d{20})\.wpq$/;
const ACKS = 'acks.wpq';
const LOCK = 'lock';

/**
 * A queue storage in files that survives a crash (`kill -9`) and a restart: batches go to
 * append-only segment files in length + CRC-32 frames, and what was handed to a sender or done
 * with goes to an append-only ack log. On open, every record not done is queued again, oldest
 * first; one that had been handed to a sender may have arrived already and is marked as a
 * possible duplicate. Damaged bytes are skipped up to the next good record, and said so.
 */
export class FileStorage implements QueueStorage {
  readonly persistent = true;
  readonly #options: FileStorageOptions;
  readonly #files: FileSystem;
  readonly #segments = new Map<number, Segment>();
  #writeSegment = 0;
  #writer: FileHandle | undefined;
  #writeSize = 0;
  #acks: FileHandle | undefined;
  #acksSize = 0;
  #opened = false;
  #lock: { release(): Promise<void> } | undefined;
  /** Serialises every write, so records and ack entries land whole and in order. */
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: FileStorageOptions) {
    this.#options = options;
    this.#files = options.files;
  }

  async open(): Promise<QueueEntry[]> {
    const { directory, logger } = this.#options;
    await this.#files.mkdir(directory);
    const lock = await this.#files.lock(`${directory}/${LOCK}`);
    if ('heldBy' in lock) {
      throw new Error(
        `The sending queue directory ${directory} is in use by process ${lock.heldBy}; each process needs its own directory.`,
      );
    }
    this.#lock = lock;
    const names = await this.#files.readDir(directory);
    const numbers = names
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const acked = await this.#readAcks();
    // Never reuse a segment number the ack log may still mention.
    let highest = numbers.at(-1) ?? 0;
    for (const id of acked.keys()) highest = Math.max(highest, Math.floor(id / 2 ** 32));
    const entries: QueueEntry[] = [];
    for (const number of numbers) {
      const path = this.#segmentPath(number);
      const scan = scanSegment(await this.#files.readFile(path));
      if (scan.badHeader) {
        logger.error('A sending queue file is not a queue segment; it was set aside and skipped.', {
          file: path,
          'moved.to': `${path}.corrupt`,
        });
        await this.#files.rename(path, `${path}.corrupt`);
        continue;
      }
      for (const damage of scan.damaged) {
        logger.error(
          'A sending queue file is damaged; the damaged bytes were skipped and the batches in them are lost.',
          {
            file: path,
            offset: damage.offset,
            bytes: damage.bytes,
            reason: damage.reason,
          },
        );
      }
      if (scan.tornTail > 0) {
        logger.warn(
          'A sending queue file ends with a batch whose write was cut short (a crash); it was never accepted and is skipped.',
          {
            file: path,
            bytes: scan.tornTail,
          },
        );
      }
      const segment: Segment = { live: 0, done: new Set(), sending: new Set(), reader: undefined };
      for (const record of scan.records) {
        const state = acked.get(key(number, record.offset));
        if (state === ACK_DONE) {
          segment.done.add(record.offset);
          continue;
        }
        segment.live++;
        if (state === ACK_SENDING) segment.sending.add(record.offset);
        entries.push({
          signal: record.header.signal,
          items: record.header.items,
          bytes: record.length,
          keys: record.header.keys,
          ...(record.header.id === undefined ? {} : { id: record.header.id }),
          redelivery: state === ACK_SENDING,
          location: { segment: number, offset: record.offset, length: record.length } satisfies Location,
        });
      }
      if (segment.live === 0) await this.#files.remove(path);
      else this.#segments.set(number, segment);
    }
    this.#writeSegment = highest + 1;
    await this.#rewriteAcks();
    this.#opened = true;
    return entries;
  }

  async prepare(signal: Signal, batch: AnyBatch, details: BatchDetails): Promise<PreparedBatch> {
    const record = encodeRecord(signal, details.items, details.keys, encodeValue(batch), details.id);
    return { bytes: record.length - FRAME_OVERHEAD, store: () => this.#serial(() => this.#append(record)) };
  }

  async load(entry: QueueEntry): Promise<AnyBatch> {
    const location = entry.location as Location;
    const segment = this.#segments.get(location.segment);
    if (!segment) throw new Error(`Segment ${location.segment} of the sending queue is gone.`);
    segment.reader ??= this.#files.open(this.#segmentPath(location.segment), 'read');
    const bytes = await (await segment.reader).read(location.offset, FRAME_OVERHEAD + location.length);
    const frame = readFrame(bytes, 0);
    if (!('body' in frame)) {
      throw new Error(
        `The batch at ${this.#segmentPath(location.segment)}:${location.offset} is damaged: ${frame.problem}.`,
      );
    }
    const header = readRecordHeader(frame.body);
    return decodeValue(frame.body.subarray(header.batchStart)) as AnyBatch;
  }

  sending(entry: QueueEntry): Promise<void> {
    const { segment, offset } = entry.location as Location;
    const state = this.#segments.get(segment);
    if (!state || state.sending.has(offset)) return Promise.resolve();
    state.sending.add(offset);
    return this.#serial(() => this.#appendAck(segment, offset, ACK_SENDING));
  }

  remove(entry: QueueEntry): Promise<void> {
    const { segment, offset } = entry.location as Location;
    return this.#serial(async () => {
      const state = this.#segments.get(segment);
      if (!state || state.done.has(offset)) return;
      state.done.add(offset);
      state.sending.delete(offset);
      state.live--;
      await this.#appendAck(segment, offset, ACK_DONE);
      if (state.live === 0 && segment !== this.#writeSegment) await this.#deleteSegment(segment);
      if (this.#acksSize >= (this.#options.compactAcksBytes ?? 1024 * 1024)) await this.#rewriteAcks();
    });
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      if (!this.#opened) return;
      this.#opened = false;
      await this.#writer?.close();
      this.#writer = undefined;
      const current = this.#segments.get(this.#writeSegment);
      if (current && current.live === 0) await this.#deleteSegment(this.#writeSegment);
      for (const segment of this.#segments.values()) await (await segment.reader)?.close();
      for (const segment of this.#segments.values()) segment.reader = undefined;
      await this.#rewriteAcks();
      await this.#acks?.close();
      this.#acks = undefined;
      await this.#lock?.release();
      this.#lock = undefined;
    });
  }

  /** Closes the open files and writes nothing more, as a crash would leave them (for tests). */
  abandon(): Promise<void> {
    return this.#serial(async () => {
      this.#opened = false;
      await this.#writer?.close();
      this.#writer = undefined;
      for (const segment of this.#segments.values()) await (await segment.reader)?.close();
      for (const segment of this.#segments.values()) segment.reader = undefined;
      await this.#acks?.close();
      this.#acks = undefined;
    });
  }

  /** The ack log as a map from record to its last state. */
  async #readAcks(): Promise<Map<number, number>> {
    const path = `${this.#options.directory}/${ACKS}`;
    const states = new Map<number, number>();
    if ((await this.#files.size(path)) === undefined) return states;
    const scan = scanAcks(await this.#files.readFile(path));
    if (scan.badHeader) {
      this.#options.logger.error(
        'The sending queue ack log is not an ack log; every stored batch will be sent again.',
        {
          file: path,
        },
      );
    } else if (scan.damaged > 0) {
      this.#options.logger.warn('The sending queue ack log has damaged entries; their batches may be sent twice.', {
        file: path,
        entries: scan.damaged,
      });
    }
    for (const entry of scan.entries) {
      const id = key(entry.segment, entry.offset);
      if ((states.get(id) ?? 0) < entry.kind) states.set(id, entry.kind);
    }
    return states;
  }

  /** Writes a compact ack log (entries of live segments only) and swaps it in. */
  async #rewriteAcks(): Promise<void> {
    const path = `${this.#options.directory}/${ACKS}`;
    const parts: Uint8Array[] = [ACKS_HEADER];
    for (const [number, segment] of this.#segments) {
      for (const offset of segment.done) parts.push(encodeAck(number, offset, ACK_DONE));
      for (const offset of segment.sending) parts.push(encodeAck(number, offset, ACK_SENDING));
    }
    const bytes = concat(parts);
    await this.#acks?.close();
    this.#acks = undefined;
    await this.#files.writeFile(`${path}.tmp`, bytes);
    await this.#files.rename(`${path}.tmp`, path);
    this.#acks = await this.#files.open(path, 'append');
    this.#acksSize = bytes.length;
  }

  async #append(record: Uint8Array): Promise<Location> {
    if (!this.#writer || this.#writeSize >= (this.#options.segmentBytes ?? 8 * 1024 * 1024)) await this.#roll();
    const writer = this.#writer as FileHandle;
    const offset = this.#writeSize;
    try {
      await writer.append(record);
      if (this.#options.fsync) await writer.sync();
    } catch (error) {
      // Leave no partial record behind: cut the file back, or start a new one next time.
      await writer.truncate(offset).catch(() => {
        this.#writeSize = Number.POSITIVE_INFINITY;
      });
      throw error;
    }
    this.#writeSize = offset + record.length;
    const segment = this.#segments.get(this.#writeSegment) as Segment;
    segment.live++;
    return { segment: this.#writeSegment, offset, length: record.length - FRAME_OVERHEAD };
  }

  /** Starts a new segment file, deleting the previous one if nothing in it is live. */
  async #roll(): Promise<void> {
    if (this.#writer) {
      await this.#writer.close();
      this.#writer = undefined;
      const previous = this.#segments.get(this.#writeSegment);
      const number = this.#writeSegment;
      this.#writeSegment++;
      if (previous && previous.live === 0) await this.#deleteSegment(number);
    }
    const path = this.#segmentPath(this.#writeSegment);
    const writer = await this.#files.open(path, 'append');
    try {
      await writer.append(SEGMENT_HEADER);
    } catch (error) {
      await writer.close().catch(() => {});
      await this.#files.remove(path).catch(() => {});
      throw error;
    }
    this.#writer = writer;
    this.#writeSize = SEGMENT_HEADER.length;
    this.#segments.set(this.#writeSegment, { live: 0, done: new Set(), sending: new Set(), reader: undefined });
  }

  async #deleteSegment(number: number): Promise<void> {
    const segment = this.#segments.get(number);
    this.#segments.delete(number);
    await (await segment?.reader)?.close();
    await this.#files.remove(this.#segmentPath(number));
  }

  async #appendAck(segment: number, offset: number, kind: number): Promise<void> {
    if (!this.#acks) return;
    await this.#acks.append(encodeAck(segment, offset, kind));
    if (this.#options.fsync) await this.#acks.sync();
    this.#acksSize += 16;
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(task);
    this.#chain = result.catch(() => {});
    return result;
  }

  #segmentPath(number: number): string {
    return `${this.#options.directory}/segment-${String(number).padStart(20, '0')}.wpq`;
  }
}

/** A record's identity in the ack map. */
function key(segment: number, offset: number): number {
  return segment * 2 ** 32 + offset;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
