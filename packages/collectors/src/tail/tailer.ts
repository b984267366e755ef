// Follows files matching globs, poll-based, and hands their complete lines to a handler with
// backpressure. Handles rotation (rename and create, copytruncate), deleted and re-created files,
// partial and overlong lines, and checkpoints offsets so a restart neither loses nor repeats lines.
import { type FileHandle, open, stat } from 'node:fs/promises';
import { type ComponentTelemetry, errorMessage, type Logger, StateChangeLog } from '@wasmpipe/core';
import { CheckpointStore, type FileCheckpoint, sha256Hex } from './checkpoint-store.ts';
import { type CompiledGlob, compileGlob, expandGlobs } from './glob.ts';
import { LineSplitter } from './line-splitter.ts';
import { findSibling, readLines } from './siblings.ts';
import { createCounters, type TailCounters } from './tail-counters.ts';
import { type FileIdentity, identityKey, readHead, samePrefix, TrackedFile } from './tracked-file.ts';

/** What a {@link Tailer} follows and how; option names follow the Collector's filelog receiver. */
export interface TailerOptions {
  /** Absolute glob patterns of the files to follow. */
  include: readonly string[];
  exclude?: readonly string[];
  /** Where to start in files found at the first poll of a first run; later files start at 0. */
  startAt: 'beginning' | 'end';
  pollInterval: number;
  /** Longest line in bytes; longer ones are cut and counted. */
  maxLogSize: number;
  /** How long a partial last line waits for its newline before it is emitted alone; 0 never. */
  forceFlushPeriod: number;
  /** Bytes at the start of a file that identify it, with its device and inode. */
  fingerprintSize: number;
  /** How long a file no pattern finds any more (rotated away, deleted) is still read after it stops growing. */
  rotateWait: number;
  /** Where to keep offsets between runs; undefined keeps them in memory only. */
  storageDirectory?: string;
  /** The checkpoint file's name, usually the component id. */
  name: string;
  /** Lines per handler call at most. */
  maxBatchLines?: number;
  /** Bytes per read. */
  readChunkSize?: number;
}

/** Lines read from one file, in order. */
export interface LineBatch {
  path: string;
  lines: string[];
}

/** Receives lines; the tailer reads no further until the returned promise settles (backpressure). */
export type LineHandler = (batch: LineBatch) => Promise<void>;

const DEFAULT_BATCH_LINES = 1000;
/** Fewer first bytes than this cannot tell a copy from a new file that happens to start alike. */
const MIN_COPY_FINGERPRINT = 64;
const DEFAULT_CHUNK = 64 * 1024;

/** Follows the files matching `include` and hands their lines to a handler. */
export class Tailer {
  readonly counters: TailCounters;
  readonly #options: Required<Omit<TailerOptions, 'storageDirectory' | 'exclude'>> & TailerOptions;
  readonly #include: CompiledGlob[];
  readonly #exclude: CompiledGlob[];
  readonly #handler: LineHandler;
  readonly #logger: Logger;
  readonly #store: CheckpointStore | undefined;
  readonly #files = new Map<string, TrackedFile>();
  readonly #health = new Map<string, StateChangeLog>();
  readonly #buffer: Uint8Array;
  #restored: Map<string, FileCheckpoint> | undefined;
  #firstPoll = true;
  #state: 'created' | 'running' | 'stopping' | 'stopped' = 'created';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;
  #lastSaved = '';
  #saveFailing = false;

  constructor(options: TailerOptions, handler: LineHandler, logger: Logger, telemetry?: ComponentTelemetry) {
    this.#options = { maxBatchLines: DEFAULT_BATCH_LINES, readChunkSize: DEFAULT_CHUNK, ...options };
    this.#include = options.include.map(compileGlob);
    this.#exclude = (options.exclude ?? []).map(compileGlob);
    this.#handler = handler;
    this.#logger = logger;
    this.counters = createCounters(telemetry);
    this.#buffer = new Uint8Array(this.#options.readChunkSize);
    if (options.storageDirectory) this.#store = new CheckpointStore(options.storageDirectory, options.name);
    telemetry?.gauge('wasmpipe.tail.files', () => this.#files.size);
  }

  /** The files followed now: path, committed offset, and whether a pattern still finds them. */
  files(): { path: string; offset: number; matched: boolean }[] {
    return [...this.#files.values()].map((file) => ({
      path: file.path,
      offset: file.committedOffset(),
      matched: file.matched,
    }));
  }

  /** Loads checkpoints and finds the files to follow (start offsets are fixed here), then starts polling. */
  async start(): Promise<void> {
    if (this.#state !== 'created') return;
    this.#state = 'running';
    await this.#loadCheckpoints();
    await this.#discover();
    this.#schedule(this.#options.pollInterval);
  }

  /**
   * Stops polling, waits for a read under way, saves offsets and closes every file. A partial
   * last line is kept for the next run when offsets are saved, and emitted otherwise.
   */
  async shutdown(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    if (wasRunning) {
      if (!this.#store || this.#saveFailing) {
        for (const file of this.#files.values()) await this.#deliver(file, file.splitter.flush());
      }
      await this.#saveCheckpoints();
    }
    for (const file of this.#files.values()) await file.handle.close().catch(() => {});
    this.#files.clear();
    this.#state = 'stopped';
  }

  /**
   * One poll: find files, read what they gained, close files gone quiet, save offsets. Polls never
   * overlap: a call while one runs waits for it. The timer calls this; tests may too.
   */
  poll(): Promise<void> {
    const run = (this.#inFlight ?? Promise.resolve()).then(() => this.#pollOnce());
    this.#inFlight = run.catch(() => {});
    return run;
  }

  async #pollOnce(): Promise<void> {
    if (this.#state !== 'running') return;
    await this.#discover();
    for (const file of [...this.#files.values()]) {
      if (this.#state !== 'running') return;
      await this.#read(file);
    }
    await this.#closeQuietFiles();
    await this.#saveCheckpoints();
  }

  #schedule(delay: number): void {
    if (this.#state !== 'running') return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.poll()
        .catch((error: unknown) =>
          this.#logger.error('A tail poll failed unexpectedly.', { error: errorMessage(error) }),
        )
        .finally(() => this.#schedule(this.#options.pollInterval));
    }, delay);
  }

  async #loadCheckpoints(): Promise<void> {
    if (!this.#store) return;
    try {
      const saved = await this.#store.load();
      if (saved) this.#restored = new Map(saved.map((entry) => [`${entry.device}:${entry.inode}`, entry]));
    } catch (error) {
      this.counters.checkpointErrors.add(1);
      this.#logger.error('Cannot read the saved offsets; starting as on a first run.', {
        path: this.#store.path,
        error: errorMessage(error),
      });
    }
  }

  /** Finds the files the patterns match now, opening new ones and marking the ones gone. */
  async #discover(): Promise<void> {
    const matches = await expandGlobs(this.#include, this.#exclude);
    for (const glob of this.#include) {
      const found = matches.some((match) => match.glob === glob);
      const health = this.#healthOf(`pattern:${glob.pattern}`, 'warn');
      if (found) health.succeeded('Files match the include pattern again.', { pattern: glob.pattern });
      else health.failed('No file matches an include pattern; watching for one.', { pattern: glob.pattern });
    }
    const seen = new Set<string>();
    const pathsBefore = new Map([...this.#files.values()].map((file) => [file.path, file]));
    for (const match of matches) {
      const file = await this.#track(match.path, match.glob.literal, pathsBefore.get(match.path));
      if (file) seen.add(file.key);
    }
    for (const file of this.#files.values()) {
      const matched = seen.has(file.key);
      if (file.matched && !matched) {
        this.#logger.info('A followed file was renamed or deleted; reading the rest of it.', { path: file.path });
      }
      file.matched = matched;
    }
    if (this.#firstPoll) await this.#recoverRotatedWhileStopped();
    this.#firstPoll = false;
  }

  /** Stats one matched path and returns its tracked file, opening it when new. */
  async #track(path: string, literal: boolean, previous: TrackedFile | undefined): Promise<TrackedFile | undefined> {
    const health = this.#healthOf(`path:${path}`, 'warn');
    let info: Awaited<ReturnType<typeof statBig>>;
    try {
      info = await statBig(path);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      this.counters.errors.add(1);
      health.failed('Cannot read the status of a log file; skipping it.', { path, error: errorMessage(error) });
      return undefined;
    }
    if (!info.isFile()) {
      if (literal || previous) {
        const what = info.isDirectory() ? 'a directory' : 'not a regular file';
        health.failed(`A log path is ${what}; skipping it until it is a file.`, { path });
      }
      return undefined;
    }
    const identity: FileIdentity = { device: String(info.dev), inode: String(info.ino) };
    const existing = this.#files.get(identityKey(identity));
    if (existing) {
      existing.path = path;
      health.succeeded('A log file is readable again.', { path });
      return existing;
    }
    const file = await this.#open(path, identity, Number(info.size));
    if (!file) return undefined;
    health.succeeded('A log file is readable again.', { path });
    if (previous && previous.key !== file.key) {
      this.counters.rotations.add(1);
      this.#logger.info('A new file took the place of a followed one; reading it from the start.', { path });
    }
    return file;
  }

  async #open(
    path: string,
    identity: FileIdentity,
    size: number,
    forced?: FileCheckpoint,
  ): Promise<TrackedFile | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      this.counters.errors.add(1);
      this.#healthOf(`path:${path}`, 'warn').failed('Cannot open a log file; retrying at every poll.', {
        path,
        error: errorMessage(error),
      });
      return undefined;
    }
    const head = await readHead(handle, this.#options.fingerprintSize).catch(() => new Uint8Array(0));
    const offset = forced?.offset ?? (await this.#startOffset(identity, head, size));
    const file = new TrackedFile(path, identity, handle, Math.min(offset, size), this.#options.maxLogSize);
    file.fingerprint = head.slice();
    file.lastSize = size;
    this.#files.set(file.key, file);
    return file;
  }

  /**
   * Where a newly found file starts: its checkpoint; else the end on a first run's first poll, or
   * when it is a copy of a followed file (copytruncate's copy, whose lines were read from the
   * original); else 0.
   */
  async #startOffset(identity: FileIdentity, head: Uint8Array, size: number): Promise<number> {
    const saved = this.#restored?.get(identityKey(identity));
    if (saved) {
      this.#restored?.delete(identityKey(identity));
      if (await matchesFingerprint(head, saved)) return saved.offset <= size ? saved.offset : 0;
    }
    if (this.#firstPoll && !this.#restored && this.#options.startAt === 'end') return size;
    if (!this.#firstPoll && this.#isCopy(head)) return size;
    return 0;
  }

  /** True when `head` starts like a followed file (its first bytes are long enough to tell). */
  #isCopy(head: Uint8Array): boolean {
    for (const file of this.#files.values()) {
      const length = Math.min(head.length, file.fingerprint.length);
      if (length >= MIN_COPY_FINGERPRINT && samePrefix(head.subarray(0, length), file.fingerprint)) return true;
    }
    return false;
  }

  /**
   * Checkpointed files no pattern finds at the first poll may have been renamed by rotation while
   * we were stopped: look for them beside their old path and read what they gained.
   */
  async #recoverRotatedWhileStopped(): Promise<void> {
    for (const saved of this.#restored?.values() ?? []) {
      const sibling = await findSibling(saved.path, saved.fingerprint.size, {
        byStat: (candidate) => candidate.device === saved.device && candidate.inode === saved.inode,
        byHead: (head) => matchesFingerprint(head, saved),
      });
      if (!sibling) continue;
      await sibling.handle.close().catch(() => {});
      const identity = { device: saved.device, inode: saved.inode };
      const file = await this.#open(sibling.path, identity, sibling.size, saved);
      if (file) {
        file.matched = false;
        this.#logger.info('Reading the rest of a file rotated while stopped.', {
          path: sibling.path,
          from: saved.path,
        });
      }
    }
    this.#restored?.clear();
  }

  /** Reads what a file gained since the last poll and hands its complete lines on. */
  async #read(file: TrackedFile): Promise<void> {
    let size: number;
    try {
      size = Number((await file.handle.stat()).size);
    } catch (error) {
      this.counters.errors.add(1);
      this.#healthOf(`read:${file.key}`, 'warn').failed('Cannot read a log file.', {
        path: file.path,
        error: errorMessage(error),
      });
      return;
    }
    if (size !== file.lastSize || file.fingerprint.length < Math.min(size, this.#options.fingerprintSize)) {
      await this.#checkReplaced(file, size);
    }
    const grew = size > file.readOffset;
    file.lastSize = size;
    let lines: string[] = [];
    const counts = { ...file.splitter.counts };
    try {
      while (file.readOffset < size && this.#state === 'running') {
        const length = Math.min(this.#buffer.length, size - file.readOffset);
        const { bytesRead } = await file.handle.read(this.#buffer, 0, length, file.readOffset);
        if (bytesRead === 0) break;
        file.readOffset += bytesRead;
        file.splitter.push(this.#buffer.subarray(0, bytesRead), lines);
        if (lines.length >= this.#options.maxBatchLines) {
          await this.#deliver(file, lines);
          lines = [];
        }
      }
      this.#healthOf(`read:${file.key}`, 'warn').succeeded('A log file is readable again.', { path: file.path });
    } catch (error) {
      this.counters.errors.add(1);
      this.#healthOf(`read:${file.key}`, 'warn').failed('Cannot read a log file.', {
        path: file.path,
        error: errorMessage(error),
      });
    }
    const now = Date.now();
    if (grew) file.lastGrowth = now;
    const flushPeriod = this.#options.forceFlushPeriod;
    if (flushPeriod > 0 && file.splitter.pendingBytes > 0 && now - file.lastGrowth >= flushPeriod) {
      file.splitter.flush(lines);
    }
    this.counters.truncatedLines.add(file.splitter.counts.truncated - counts.truncated);
    this.counters.invalidUtf8Lines.add(file.splitter.counts.invalidUtf8 - counts.invalidUtf8);
    if (lines.length > 0) await this.#deliver(file, lines);
    else file.offset = file.committedOffset();
  }

  /** Detects copytruncate: the file shrank below what was read, or its first bytes changed. */
  async #checkReplaced(file: TrackedFile, size: number): Promise<void> {
    let replaced = size < file.readOffset;
    let head: Uint8Array | undefined;
    if (!replaced) {
      head = await file.readHead(Math.min(size, this.#options.fingerprintSize)).catch(() => undefined);
      if (head && !samePrefix(head, file.fingerprint)) replaced = true;
    }
    if (replaced) {
      this.counters.truncations.add(1);
      this.#logger.info('A followed file was truncated or overwritten; reading it again from the start.', {
        path: file.path,
      });
      await this.#recoverFromCopy(file);
      file.splitter.reset();
      file.offset = 0;
      file.readOffset = 0;
      head = await file.readHead(Math.min(size, this.#options.fingerprintSize)).catch(() => new Uint8Array(0));
      file.fingerprint = head.slice();
      return;
    }
    if (head && head.length >= file.fingerprint.length) file.fingerprint = head.slice();
  }

  /** Hands lines on in batches of at most `maxBatchLines`, then moves the committed offset past them. */
  /**
   * After copytruncate: the lines written between our last read and logrotate's copy are only in
   * the copy. Finds the copy beside the file (its first bytes are the file's fingerprint) and reads
   * it from the offset we had reached. Lines written between the copy and the truncation are in
   * neither file: that loss is copytruncate's own.
   */
  async #recoverFromCopy(file: TrackedFile): Promise<void> {
    const from = file.committedOffset();
    const fingerprint = file.fingerprint;
    if (fingerprint.length < MIN_COPY_FINGERPRINT) return;
    const copy = await findSibling(file.path, fingerprint.length, {
      byStat: (candidate) => candidate.size > from && `${candidate.device}:${candidate.inode}` !== file.key,
      byHead: (head) => head.length === fingerprint.length && samePrefix(head, fingerprint),
    });
    if (!copy) return;
    try {
      const splitter = new LineSplitter(this.#options.maxLogSize);
      const lines = await readLines(copy.handle, from, copy.size, splitter, this.#buffer);
      this.counters.truncatedLines.add(splitter.counts.truncated);
      this.counters.invalidUtf8Lines.add(splitter.counts.invalidUtf8);
      this.#logger.info('Read the lines a truncated file gained before it was copied, from its copy.', {
        path: file.path,
        copy: copy.path,
        lines: lines.length,
      });
      await this.#deliver(file, lines, copy.path);
    } finally {
      await copy.handle.close().catch(() => {});
    }
  }

  async #deliver(file: TrackedFile, lines: string[], path = file.path): Promise<void> {
    const size = this.#options.maxBatchLines;
    for (let start = 0; start < lines.length; start += size) {
      const batch = start === 0 && lines.length <= size ? lines : lines.slice(start, start + size);
      try {
        await this.#handler({ path, lines: batch });
      } catch (error) {
        this.#logger.error('The line handler failed; these lines are lost.', {
          path,
          lines: batch.length,
          error: errorMessage(error),
        });
      }
      this.counters.lines.add(batch.length);
    }
    file.offset = file.committedOffset();
  }

  /** Closes files no pattern finds any more once they stopped growing for `rotateWait`. */
  async #closeQuietFiles(): Promise<void> {
    const now = Date.now();
    for (const file of [...this.#files.values()]) {
      if (file.matched || now - file.lastGrowth < this.#options.rotateWait) continue;
      if (this.#state !== 'running') return;
      if (file.splitter.pendingBytes > 0) await this.#deliver(file, file.splitter.flush());
      this.#files.delete(file.key);
      await file.handle.close().catch(() => {});
    }
  }

  async #saveCheckpoints(): Promise<void> {
    if (!this.#store) return;
    const entries: FileCheckpoint[] = [];
    for (const file of this.#files.values()) {
      entries.push({
        path: file.path,
        device: file.identity.device,
        inode: file.identity.inode,
        offset: file.offset,
        fingerprint: await file.fingerprintHash(),
      });
    }
    const text = JSON.stringify(entries);
    if (text === this.#lastSaved && !this.#saveFailing) return;
    const health = this.#healthOf('checkpoint', 'error');
    try {
      await this.#store.save(entries);
      this.#lastSaved = text;
      this.#saveFailing = false;
      health.succeeded('Offsets are saved again.', { path: this.#store.path });
    } catch (error) {
      this.#saveFailing = true;
      this.counters.checkpointErrors.add(1);
      health.failed('Cannot save offsets to the storage directory; they are kept in memory only until it works.', {
        path: this.#store.path,
        error: errorMessage(error),
      });
    }
  }

  #healthOf(key: string, level: 'warn' | 'error'): StateChangeLog {
    let health = this.#health.get(key);
    if (!health) {
      health = new StateChangeLog(this.#logger, level);
      this.#health.set(key, health);
    }
    return health;
  }
}

const statBig = (path: string) => stat(path, { bigint: true });

async function matchesFingerprint(head: Uint8Array, saved: FileCheckpoint): Promise<boolean> {
  if (head.length < saved.fingerprint.size) return false;
  return (await sha256Hex(head.subarray(0, saved.fingerprint.size))) === saved.fingerprint.sha256;
}
