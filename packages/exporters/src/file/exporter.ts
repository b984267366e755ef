// The file exporter: one OTLP/JSON export request per line, appended to a file, rotated by size
// with a number of old files kept, optionally gzipped once rotated.

import {
  type CreateContext,
  countDataPoints,
  countLogRecords,
  type Exporter,
  errorMessage,
  type FileHandle,
  type FileSystem,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  permanentError,
  retryableError,
} from '@wasmpipe/core';
import { logsToOtlpJson, metricsToOtlpJson } from '../otlp/otlp-json.ts';
import type { FileConfig } from './config.ts';
import { backupName, backupsToDelete } from './rotation.ts';

const encoder = new TextEncoder();
/** Errors a later attempt may not hit (a full disk may be freed); others are permanent. */
const RETRYABLE_CODES = new Set(['ENOSPC', 'EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EDQUOT', 'EINTR']);

/** Writes OTLP/JSON lines to a file. */
export class FileExporter implements Exporter {
  readonly #path: string;
  readonly #directory: string;
  readonly #fileName: string;
  readonly #maxBytes: number | undefined;
  readonly #maxBackups: number;
  readonly #gzip: boolean;
  readonly #files: FileSystem;
  readonly #logger: Logger;
  #handle: FileHandle | undefined;
  #size = 0;
  /** One write at a time, so lines never interleave. */
  #chain: Promise<unknown> = Promise.resolve();
  /** Compression and pruning of rotated files, in the background. */
  #housekeeping: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(config: FileConfig, context: CreateContext) {
    const files = context.platform.files;
    if (!files) throw new Error('The file exporter needs a platform with file access.');
    this.#files = files;
    this.#path = resolvePath(context.configDirectory, config.path);
    const slash = this.#path.lastIndexOf('/');
    this.#directory = slash > 0 ? this.#path.slice(0, slash) : slash === 0 ? '/' : '.';
    this.#fileName = this.#path.slice(slash + 1);
    this.#maxBytes = config.rotation ? Math.round(config.rotation.max_megabytes * 1024 * 1024) : undefined;
    this.#maxBackups = config.rotation?.max_backups ?? 0;
    this.#gzip = config.compression === 'gzip';
    this.#logger = context.logger;
  }

  /** Creates the directory and opens the file, so a path that cannot be written stops the start. */
  async start(): Promise<void> {
    await this.#serial(() => this.#open());
  }

  /** Appends a metrics batch as one line. */
  async exportMetrics(batch: MetricsBatch): Promise<void> {
    if (countDataPoints(batch) === 0) return;
    await this.#write(encoder.encode(`${JSON.stringify(metricsToOtlpJson(batch))}\n`));
  }

  /** Appends a logs batch as one line. */
  async exportLogs(batch: LogsBatch): Promise<void> {
    if (countLogRecords(batch) === 0) return;
    await this.#write(encoder.encode(`${JSON.stringify(logsToOtlpJson(batch))}\n`));
  }

  /** Closes the file after the last write and waits for rotated files to be compressed. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#serial(async () => {
      await this.#handle?.close();
      this.#handle = undefined;
    });
    await this.#housekeeping;
  }

  #write(line: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) throw permanentError(`Not written to ${this.#path}: the exporter is shut down.`);
      try {
        if (!this.#handle) await this.#open();
        if (this.#maxBytes !== undefined && this.#size > 0 && this.#size + line.length > this.#maxBytes) {
          await this.#rotate();
        }
        await (this.#handle as FileHandle).append(line);
        this.#size += line.length;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const message = `Writing to ${this.#path} failed: ${errorMessage(error)}`;
        throw typeof code === 'string' && RETRYABLE_CODES.has(code)
          ? retryableError(message, { cause: error })
          : permanentError(message, error);
      }
    });
  }

  async #open(): Promise<void> {
    await this.#files.mkdir(this.#directory);
    this.#handle = await this.#files.open(this.#path, 'append');
    this.#size = (await this.#files.size(this.#path)) ?? 0;
  }

  /** Moves the current file aside and starts a new one; compression and pruning follow in the background. */
  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
    const names = new Set(await this.#files.readDir(this.#directory));
    let time = Date.now();
    while (
      names.has(backupName(this.#fileName, new Date(time))) ||
      names.has(`${backupName(this.#fileName, new Date(time))}.gz`)
    ) {
      time++;
    }
    const backup = `${this.#directory}/${backupName(this.#fileName, new Date(time))}`;
    await this.#files.rename(this.#path, backup);
    await this.#open();
    this.#housekeeping = this.#housekeeping.then(() => this.#tidy(backup));
  }

  async #tidy(backup: string): Promise<void> {
    try {
      if (this.#gzip) {
        await gzipFile(this.#files, backup, `${backup}.gz`);
        await this.#files.remove(backup);
      }
      const names = await this.#files.readDir(this.#directory);
      for (const name of backupsToDelete(this.#fileName, names, this.#maxBackups)) {
        await this.#files.remove(`${this.#directory}/${name}`);
      }
    } catch (error) {
      this.#logger.warn('Tidying rotated files failed; they are left as they are.', {
        file: backup,
        error: errorMessage(error),
      });
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(task);
    this.#chain = result.catch(() => {});
    return result;
  }
}

/** Gzips `source` into `target`, a megabyte at a time. */
async function gzipFile(files: FileSystem, source: string, target: string): Promise<void> {
  const input = await files.open(source, 'read');
  await files.remove(target);
  const output = await files.open(target, 'append');
  try {
    const compression = new CompressionStream('gzip');
    const writer = compression.writable.getWriter();
    const reading = (async () => {
      for (let position = 0; ; ) {
        const chunk = await input.read(position, 1024 * 1024);
        if (chunk.length === 0) break;
        await writer.write(chunk as Uint8Array<ArrayBuffer>);
        position += chunk.length;
      }
      await writer.close();
    })();
    const reader = compression.readable.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) await output.append(part.value);
    await reading;
  } finally {
    await input.close();
    await output.close();
  }
}

/** `path` if absolute, else joined to `directory`. */
function resolvePath(directory: string, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return path;
  return `${directory.replace(/[\\/]+$/, '')}/${path}`;
}
