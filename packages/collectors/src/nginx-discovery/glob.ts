/** What glob expansion needs from the file system. */
export interface GlobFileSystem {
  /** The names in a directory; rejects when it is not one. */
  readDirectory(path: string): Promise<string[]>;
  /** True when the path exists (file or directory). */
  exists(path: string): Promise<boolean>;
}

/** True when a path segment has glob characters (`*`, `?`, `[`). */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Expands an absolute glob the way nginx's `include` does (POSIX glob(3)): `*`, `?` and `[...]`
 * in any segment, no match for a leading dot unless the pattern has one, results sorted.
 */
export async function expandGlob(pattern: string, files: GlobFileSystem): Promise<string[]> {
  const segments = pattern.split('/').filter((segment, index) => segment !== '' || index === 0);
  let paths = [segments[0] === '' ? '' : (segments[0] as string)];
  for (const segment of segments.slice(1)) {
    const next: string[] = [];
    for (const base of paths) {
      if (!hasGlob(segment)) {
        next.push(`${base}/${segment}`);
        continue;
      }
      const names = await files.readDirectory(base === '' ? '/' : base).catch(() => [] as string[]);
      const matcher = segmentMatcher(segment);
      for (const name of names.sort()) if (matcher.test(name)) next.push(`${base}/${name}`);
    }
    paths = next;
  }
  const existing: string[] = [];
  for (const path of paths) if (await files.exists(path)) existing.push(path);
  return existing.sort();
}

function segmentMatcher(segment: string): RegExp {
  let source = segment.startsWith('.') ? '' : '(?!\\.)';
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] as string;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = segment.slice(index + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      index = close;
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
