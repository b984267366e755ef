// The file-following options shared by every collector that tails files, named as in the
// OpenTelemetry Collector's filelog receiver where the concept is the same.
import { describeValue, type Problem, Schema, s } from '@wasmpipe/core';
import { compileGlob } from './glob.ts';
import type { TailerOptions } from './tailer.ts';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** A size in bytes written as a number or as `64KiB`, `1MiB`, `1kb` (kb = 1000, KiB = 1024). */
class ByteSizeSchema extends Schema<number, string | number> {
  constructor(readonly options: { min?: number } = {}) {
    super();
  }
  parse(value: unknown, path: string, problems: Problem[]): number | undefined {
    const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseByteSize(value) : undefined;
    if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes < 0) {
      problems.push({ path, message: `expected a size such as "1MiB" or "64KiB", got ${describeValue(value)}` });
      return undefined;
    }
    if (this.options.min !== undefined && bytes < this.options.min) {
      problems.push({ path, message: `must be at least ${this.options.min} bytes, got ${describeValue(value)}` });
      return undefined;
    }
    return bytes;
  }
}

/** Parses `1MiB`, `64 KiB`, `1kb`, `512` to bytes; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? '').toLowerCase() || 'b'];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

/** A byte-size option. */
export const byteSize = (options?: { min?: number }) => new ByteSizeSchema(options);

/** The options of a file-tailing collector, to spread into its `s.object`. */
export const tailConfigShape = {
  include: s
    .array(s.string({ nonEmpty: true }))
    .default([])
    .describe('Glob patterns of the files to follow; relative ones are resolved against the config file.'),
  exclude: s
    .array(s.string({ nonEmpty: true }))
    .default([])
    .describe('Glob patterns of files to leave out.'),
  start_at: s
    .enum(['end', 'beginning'])
    .default('end')
    .describe('Where to start in the files found at the first start (no saved offsets yet).'),
  poll_interval: s.duration({ min: 1 }).default('200ms').describe('How often files are checked for new lines.'),
  max_log_size: byteSize({ min: 1 }).default('1MiB').describe('Longest line; longer lines are cut and counted.'),
  force_flush_period: s
    .duration()
    .default('500ms')
    .describe('How long a last line without its newline waits before it is emitted alone; 0 waits forever.'),
  fingerprint_size: byteSize({ min: 16 })
    .default('1kb')
    .describe('Bytes at the start of a file that identify it, with its device and inode.'),
  rotate_wait: s
    .duration()
    .default('5s')
    .describe('How long a rotated-away or deleted file is still read after it stops growing.'),
  storage_directory: s
    .string({ nonEmpty: true })
    .optional()
    .describe('A directory where offsets are saved so a restart neither loses nor repeats lines.'),
};

/** The tail options as a collector receives them. */
export interface TailConfig {
  include: string[];
  exclude: string[];
  start_at: 'end' | 'beginning';
  poll_interval: number;
  max_log_size: number;
  force_flush_period: number;
  fingerprint_size: number;
  rotate_wait: number;
  storage_directory?: string | undefined;
}

/** Resolves a path or glob against a directory unless it is absolute. */
export function resolvePath(path: string, directory: string): string {
  if (path.startsWith('/')) return path;
  const base = directory.replace(/\/+$/, '');
  return `${base}/${path.replace(/^\.\//, '')}`;
}

/** Checks the glob patterns compile; returns problems at their paths. */
export function validateTailConfig(config: TailConfig, path: string, configDirectory: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of ['include', 'exclude'] as const) {
    config[key].forEach((pattern, index) => {
      try {
        compileGlob(resolvePath(pattern, configDirectory));
      } catch (error) {
        problems.push({ path: `${path}.${key}[${index}]`, message: (error as Error).message });
      }
    });
  }
  return problems;
}

/** The tailer options for a collector's config. */
export function tailerOptions(config: TailConfig, name: string, configDirectory: string): TailerOptions {
  return {
    include: config.include.map((pattern) => resolvePath(pattern, configDirectory)),
    exclude: config.exclude.map((pattern) => resolvePath(pattern, configDirectory)),
    startAt: config.start_at,
    pollInterval: config.poll_interval,
    maxLogSize: config.max_log_size,
    forceFlushPeriod: config.force_flush_period,
    fingerprintSize: config.fingerprint_size,
    rotateWait: config.rotate_wait,
    storageDirectory:
      config.storage_directory === undefined ? undefined : resolvePath(config.storage_directory, configDirectory),
    name,
  };
}
