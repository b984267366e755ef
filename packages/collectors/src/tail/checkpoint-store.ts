// Where a tailer keeps its read offsets between runs: one JSON file per component in a state
// directory, replaced atomically (write to a temporary file, then rename).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';

/** The saved position in one file, with what identifies that file. */
export interface FileCheckpoint {
  /** The path the file had when saved (it may have been renamed since). */
  path: string;
  /** Device and inode numbers, as decimal strings (they may exceed 2^53). */
  device: string;
  inode: string;
  /** Bytes already handed downstream: the next read starts here. */
  offset: number;
  /** The SHA-256 (hex) of the first `fingerprintSize` bytes, or of all of them when the file was shorter. */
  fingerprint: { size: number; sha256: string };
}

/** The content of a checkpoint file. */
export interface CheckpointFile {
  version: 1;
  files: FileCheckpoint[];
}

const FORMAT_VERSION = 1;

/** Reads and writes the checkpoint file of one tailer. */
export class CheckpointStore {
  readonly #path: string;
  readonly #directory: string;

  constructor(directory: string, name: string) {
    this.#directory = directory;
    this.#path = `${directory.replace(/\/+$/, '')}/${checkpointFileName(name)}`;
  }

  /** The checkpoint file's path. */
  get path(): string {
    return this.#path;
  }

  /** The saved checkpoints; undefined when there is no file yet (a first run). Throws on a corrupt file. */
  async load(): Promise<FileCheckpoint[] | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseCheckpointFile(text, this.#path);
  }

  /** Replaces the file with these checkpoints. Throws when the directory is not writable. */
  async save(files: readonly FileCheckpoint[]): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
    const content: CheckpointFile = { version: FORMAT_VERSION, files: [...files] };
    const temporary = `${this.#path}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content, null, 1)}\n`);
    await rename(temporary, this.#path);
  }
}

/** The file name for a component id: `nginx_access_log/main` becomes `nginx_access_log__main.json`. */
export function checkpointFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9_.-]/g, '__')}.json`;
}

/** Parses and checks a checkpoint file; throws with the path and what is wrong. */
export function parseCheckpointFile(text: string, path: string): FileCheckpoint[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`The checkpoint file ${path} is not JSON: ${(error as Error).message}`);
  }
  const file = value as Partial<CheckpointFile>;
  if (typeof value !== 'object' || value === null || file.version !== FORMAT_VERSION || !Array.isArray(file.files)) {
    throw new Error(`The checkpoint file ${path} is not a version ${FORMAT_VERSION} checkpoint file.`);
  }
  return file.files.filter(isFileCheckpoint);
}

function isFileCheckpoint(value: unknown): value is FileCheckpoint {
  const entry = value as FileCheckpoint;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof entry.path === 'string' &&
    typeof entry.device === 'string' &&
    typeof entry.inode === 'string' &&
    Number.isSafeInteger(entry.offset) &&
    entry.offset >= 0 &&
    typeof entry.fingerprint === 'object' &&
    entry.fingerprint !== null &&
    Number.isSafeInteger(entry.fingerprint.size) &&
    typeof entry.fingerprint.sha256 === 'string'
  );
}

/** The SHA-256 of `bytes` as lower-case hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
