// One file a tailer follows: its open handle, identity, offsets and partial line.
import type { FileHandle } from 'node:fs/promises';
import { sha256Hex } from './checkpoint-store.ts';
import { LineSplitter } from './line-splitter.ts';

/** A file's identity on its file system: device and inode, as decimal strings. */
export interface FileIdentity {
  device: string;
  inode: string;
}

/** The key of an identity in maps. */
export const identityKey = (identity: FileIdentity) => `${identity.device}:${identity.inode}`;

/**
 * An open file being followed. It is read through its handle, never its path, so a file renamed
 * or deleted by rotation is still read to its end.
 */
export class TrackedFile {
  readonly key: string;
  readonly identity: FileIdentity;
  readonly handle: FileHandle;
  readonly splitter: LineSplitter;
  /** The path it was last seen at. */
  path: string;
  /** Bytes handed downstream: a restart resumes here. */
  offset: number;
  /** Bytes read so far (offset plus a held partial line). */
  readOffset: number;
  /** The size seen at the last read. */
  lastSize = -1;
  /** Up to `fingerprintSize` first bytes of the file. */
  fingerprint: Uint8Array = new Uint8Array(0);
  /** True while a configured pattern still finds this file at `path`. */
  matched = true;
  /** When the file last grew (or was opened), in `Date.now()` milliseconds. */
  lastGrowth = Date.now();
  #fingerprintHash: { size: number; sha256: string } | undefined;

  constructor(path: string, identity: FileIdentity, handle: FileHandle, offset: number, maxLineSize: number) {
    this.path = path;
    this.identity = identity;
    this.key = identityKey(identity);
    this.handle = handle;
    this.offset = offset;
    this.readOffset = offset;
    this.splitter = new LineSplitter(maxLineSize);
  }

  /** The offset to checkpoint: where the next complete line starts. */
  committedOffset(): number {
    return this.readOffset - this.splitter.pendingBytes;
  }

  /** The fingerprint as saved in checkpoints, hashed once per change. */
  async fingerprintHash(): Promise<{ size: number; sha256: string }> {
    if (this.#fingerprintHash?.size !== this.fingerprint.length) {
      this.#fingerprintHash = { size: this.fingerprint.length, sha256: await sha256Hex(this.fingerprint) };
    }
    return this.#fingerprintHash;
  }

  /** Reads up to `length` bytes from the start of the file. */
  async readHead(length: number): Promise<Uint8Array> {
    return readHead(this.handle, length);
  }
}

/** Reads up to `length` bytes from the start of an open file. */
export async function readHead(handle: FileHandle, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** True when `a` and `b` agree on their common length. */
export function samePrefix(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return false;
  return true;
}
