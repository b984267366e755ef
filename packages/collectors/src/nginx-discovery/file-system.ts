import { readdir, readFile, stat } from 'node:fs/promises';
import type { ConfigFileSystem } from './parse-config.ts';

/** The real file system, through node:fs (which Node, Deno and Bun all implement). */
export const nodeFileSystem: ConfigFileSystem = {
  readTextFile: (path) => readFile(path, 'utf8'),
  readDirectory: (path) => readdir(path),
  exists: (path) =>
    stat(path).then(
      () => true,
      () => false,
    ),
};
