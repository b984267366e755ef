// File access for the parts that keep data on disk (the persistent sending queue, the file
// exporter). Node, Deno and Bun all implement `node:fs/promises`, so one adapter serves them.

/** An open file. */
export interface FileHandle {
  /** Writes all of `bytes` at the end of the file (files opened for `append`). */
  append(bytes: Uint8Array): Promise<void>;
  /** Reads up to `length` bytes at `position`; fewer at the end of the file. */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Cuts the file to `size` bytes. */
  truncate(size: number): Promise<void>;
  /** Flushes written data to the disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file operations wasmpipe needs. Errors are the runtime's, with a `code` such as
 * `ENOENT` or `ENOSPC`.
 */
export interface FileSystem {
  /** Creates a directory and its parents; fine if it exists. */
  mkdir(path: string): Promise<void>;
  /** The names in a directory. */
  readDir(path: string): Promise<string[]>;
  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Replaces a file's content. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Renames a file, replacing the target. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file; fine if it does not exist. */
  remove(path: string): Promise<void>;
  /** A file's size in bytes, or undefined if it does not exist. */
  size(path: string): Promise<number | undefined>;
  /** Opens a file: `append` creates it if needed, `read` requires it. */
  open(path: string, mode: 'append' | 'read'): Promise<FileHandle>;
  /**
   * Takes a lock file for this process. A lock left by a process that no longer runs (or by
   * this process) is taken over; one held by a running process is not, and its pid is returned.
   */
  lock(path: string): Promise<{ release(): Promise<void> } | { heldBy: number }>;
}

/** The `node:fs/promises` adapter; used on Node, Deno and Bun. */
export function createNodeFileSystem(): FileSystem {
  const fs = () => import('node:fs/promises');
  return {
    mkdir: async (path) => void (await (await fs()).mkdir(path, { recursive: true })),
    readDir: async (path) => (await fs()).readdir(path),
    readFile: async (path) => new Uint8Array(await (await fs()).readFile(path)),
    writeFile: async (path, bytes) => (await fs()).writeFile(path, bytes),
    rename: async (from, to) => (await fs()).rename(from, to),
    remove: async (path) => (await fs()).rm(path, { force: true }),
    size: async (path) =>
      (await fs()).stat(path).then(
        (stat) => stat.size,
        (error: { code?: string }) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        },
      ),
    async open(path, mode) {
      const handle = await (await fs()).open(path, mode === 'append' ? 'a' : 'r');
      return {
        async append(bytes) {
          let offset = 0;
          while (offset < bytes.length) {
            const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
            offset += bytesWritten;
          }
        },
        async read(position, length) {
          const buffer = new Uint8Array(length);
          let filled = 0;
          while (filled < length) {
            const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
            if (bytesRead === 0) break;
            filled += bytesRead;
          }
          return filled === length ? buffer : buffer.subarray(0, filled);
        },
        truncate: (size) => handle.truncate(size),
        sync: () => handle.datasync(),
        close: () => handle.close(),
      };
    },
    async lock(path) {
      const { pid } = nodeProcess();
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const handle = await (await fs()).open(path, 'wx');
          await handle.writeFile(`${pid}\n`);
          await handle.close();
          return { release: async () => (await fs()).rm(path, { force: true }) };
        } catch (error) {
          if ((error as { code?: string }).code !== 'EEXIST') throw error;
        }
        const holder = Number((await (await fs()).readFile(path, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== pid && isAlive(holder)) return { heldBy: holder };
        await (await fs()).rm(path, { force: true });
      }
      throw new Error(`Could not take the lock ${path}: other processes keep taking it.`);
    },
  };
}

type ProcessLike = { pid: number; kill(pid: number, signal: number): void };
const nodeProcess = (): ProcessLike => (globalThis as unknown as { process: ProcessLike }).process;

/** True when a process with this pid runs (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    nodeProcess().kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
