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
  };
}
