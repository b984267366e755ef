/** Resolves a config path against the config's directory, without node:path (runs on any runtime). */
export function resolvePath(directory: string, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) return path;
  const base = directory.replace(/[\\/]+$/, '');
  const relative = path.replace(/^\.[\\/]/, '');
  return base === '' ? relative : `${base}/${relative}`;
}
