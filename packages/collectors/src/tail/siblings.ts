// Looking beside a followed file for the file it became: the renamed original after a rotation
// while we were stopped, or logrotate's copy after copytruncate.
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import type { LineSplitter } from './line-splitter.ts';
import { readHead } from './tracked-file.ts';

/** A file found beside another, opened for reading. The caller closes `handle`. */
export interface SiblingFile {
  path: string;
  device: string;
  inode: string;
  size: number;
  handle: FileHandle;
  /** Its first bytes, as many as asked for. */
  head: Uint8Array;
}

/**
 * The first regular file in the directory of `path` (other than `path`) that `accept` takes,
 * given its identity and size before opening and its first `headLength` bytes after.
 */
export async function findSibling(
  path: string,
  headLength: number,
  accept: {
    byStat(candidate: { path: string; device: string; inode: string; size: number }): boolean;
    byHead(head: Uint8Array): boolean | Promise<boolean>;
  },
): Promise<SiblingFile | undefined> {
  const directory = path.slice(0, path.lastIndexOf('/')) || '/';
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    const candidatePath = `${directory === '/' ? '' : directory}/${name}`;
    if (candidatePath === path) continue;
    const info = await stat(candidatePath, { bigint: true }).catch(() => undefined);
    if (!info?.isFile()) continue;
    const candidate = {
      path: candidatePath,
      device: String(info.dev),
      inode: String(info.ino),
      size: Number(info.size),
    };
    if (!accept.byStat(candidate)) continue;
    const handle = await open(candidatePath, 'r').catch(() => undefined);
    if (!handle) continue;
    const head = await readHead(handle, headLength).catch(() => new Uint8Array(0));
    if (await accept.byHead(head)) return { ...candidate, handle, head };
    await handle.close().catch(() => {});
  }
  return undefined;
}

/** Reads `[from, to)` of an open file through `splitter` into lines, the last partial one included. */
export async function readLines(
  handle: FileHandle,
  from: number,
  to: number,
  splitter: LineSplitter,
  buffer: Uint8Array,
): Promise<string[]> {
  const lines: string[] = [];
  for (let position = from; position < to; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, to - position), position);
    if (bytesRead === 0) break;
    position += bytesRead;
    splitter.push(buffer.subarray(0, bytesRead), lines);
  }
  return splitter.flush(lines);
}
