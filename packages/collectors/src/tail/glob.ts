// Glob patterns for the files a tailer follows: compiled once to regular expressions, expanded by
// walking only the directories a pattern can reach. Node 20 has no fs.glob, and the tailer must
// run unchanged on Node, Deno and Bun, so this is a small portable implementation.
import { readdir, stat } from 'node:fs/promises';

/** A compiled glob: its literal base directory and a matcher for whole paths. */
export interface CompiledGlob {
  readonly pattern: string;
  /** True when the pattern has no wildcard: it names exactly one path. */
  readonly literal: boolean;
  /** The segments after the literal base, each a matcher or `**`. */
  readonly base: string;
  readonly segments: readonly GlobSegment[];
  /** Matches a whole (absolute, normalised) path. */
  readonly regExp: RegExp;
}

/** One path segment of a glob. */
export type GlobSegment = { kind: 'literal'; text: string } | { kind: 'match'; regExp: RegExp } | { kind: 'globstar' };

const WILDCARD = /[*?[{]/;

/** True when `text` holds a glob wildcard (`*`, `?`, `[...]`, `{a,b}`). */
export function hasWildcard(text: string): boolean {
  return WILDCARD.test(text);
}

/**
 * Compiles an absolute glob. `*` and `?` never cross `/`; `**` as a whole segment matches any
 * number of directories; `[abc]`, `[a-z]`, `[!abc]` and `{a,b}` work as in a shell.
 */
export function compileGlob(pattern: string): CompiledGlob {
  if (!pattern.startsWith('/')) throw new Error(`The glob "${pattern}" is not an absolute path.`);
  const parts = pattern.split('/').filter((part) => part !== '' && part !== '.');
  const baseParts: string[] = [];
  let index = 0;
  while (index < parts.length && !hasWildcard(parts[index] as string)) baseParts.push(parts[index++] as string);
  const segments: GlobSegment[] = parts.slice(index).map((part) => {
    if (part === '**') return { kind: 'globstar' };
    if (!hasWildcard(part)) return { kind: 'literal', text: part };
    return { kind: 'match', regExp: new RegExp(`^${segmentSource(part, pattern)}$`) };
  });
  const whole = parts
    .map((part, position) => {
      if (part !== '**') return `/${segmentSource(part, pattern)}`;
      return position === parts.length - 1 ? '(?:/[^/]+)*' : '(?:/[^/]+)*?';
    })
    .join('');
  return {
    pattern,
    literal: segments.length === 0,
    base: `/${baseParts.join('/')}`,
    segments,
    regExp: new RegExp(`^${whole}$`),
  };
}

function segmentSource(segment: string, pattern: string): string {
  let source = '';
  let braces = 0;
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] as string;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close < 0) throw new Error(`The glob "${pattern}" has a "[" without its "]".`);
      let body = segment.slice(index + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      index = close;
    } else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) source += '|';
    else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  if (braces > 0) throw new Error(`The glob "${pattern}" has a "{" without its "}".`);
  return source;
}

/** One file system entry found by {@link expandGlobs}. */
export interface GlobMatch {
  path: string;
  /** The pattern that found it, first one wins. */
  glob: CompiledGlob;
}

/**
 * Lists the paths matching any of `include` and none of `exclude`, sorted. Directories that
 * cannot be read are skipped; what is found is not checked to be a file (the caller stats it).
 */
export async function expandGlobs(
  include: readonly CompiledGlob[],
  exclude: readonly CompiledGlob[] = [],
): Promise<GlobMatch[]> {
  const found = new Map<string, GlobMatch>();
  for (const glob of include) {
    for (const path of await walk(glob.base, glob.segments, 0)) {
      if (!found.has(path) && !exclude.some((excluded) => excluded.regExp.test(path))) found.set(path, { path, glob });
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const join = (directory: string, name: string) => (directory === '/' ? `/${name}` : `${directory}/${name}`);

async function walk(directory: string, segments: readonly GlobSegment[], index: number): Promise<string[]> {
  if (index === segments.length) return (await exists(directory)) ? [directory] : [];
  const segment = segments[index] as GlobSegment;
  if (segment.kind === 'literal') return walk(join(directory, segment.text), segments, index + 1);
  const entries = await listDirectory(directory);
  const results: string[] = [];
  if (segment.kind === 'globstar') {
    // `**` matches zero directories here, or one more directory and `**` again.
    results.push(...(await walk(directory, segments, index + 1)));
    for (const entry of entries) {
      if (entry.directory) results.push(...(await walk(join(directory, entry.name), segments, index)));
    }
    return results;
  }
  const last = index === segments.length - 1;
  for (const entry of entries) {
    if (!segment.regExp.test(entry.name)) continue;
    if (last) results.push(join(directory, entry.name));
    else if (entry.directory) results.push(...(await walk(join(directory, entry.name), segments, index + 1)));
  }
  return results;
}

async function listDirectory(directory: string): Promise<{ name: string; directory: boolean }[]> {
  try {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries.map((entry) => ({ name: entry.name, directory: entry.isDirectory() }));
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
