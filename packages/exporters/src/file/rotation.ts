// Names of rotated files, and which to delete. `out.jsonl` rotates to
// `out-2024-05-01T10-20-30.123.jsonl` (UTC, as lumberjack and the Collector name them), then
// `.gz` is added when compressed. Timestamps sort as text, oldest first.

/** The backup name for a file rotated at `time`. */
export function backupName(fileName: string, time: Date): string {
  const { stem, extension } = split(fileName);
  const stamp = time.toISOString().replace(/:/g, '-').replace(/Z$/, '');
  return `${stem}-${stamp}${extension}`;
}

/** True when `name` is a backup of `fileName` (compressed or not). */
export function isBackupOf(fileName: string, name: string): boolean {
  const { stem, extension } = split(fileName);
  if (!name.startsWith(`${stem}-`)) return false;
  const rest = name.slice(stem.length + 1).replace(/\.gz$/, '');
  if (!rest.endsWith(extension)) return false;
  return /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}$/.test(rest.slice(0, rest.length - extension.length));
}

/** The backups to delete so that at most `keep` remain (0 keeps all), oldest first. */
export function backupsToDelete(fileName: string, names: readonly string[], keep: number): string[] {
  if (keep === 0) return [];
  const backups = names.filter((name) => isBackupOf(fileName, name)).sort();
  return backups.slice(0, Math.max(0, backups.length - keep));
}

function split(fileName: string): { stem: string; extension: string } {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? { stem: fileName.slice(0, dot), extension: fileName.slice(dot) } : { stem: fileName, extension: '' };
}
