// A size written as "16MiB", "512KiB", "64MB" or a number of bytes, for `max_memory`.

import { describeValue, type Problem, Schema } from '@wasmpipe/core';

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/** Parses "16MiB" (binary), "16MB" (decimal) or "65536" to bytes; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.floor(Number(match[1]) * unit);
}

/** A byte size written as "16MiB" or a number of bytes; parsed to bytes. */
export class ByteSizeSchema extends Schema<number, string | number> {
  constructor(readonly options: { min?: number; max?: number } = {}) {
    super();
  }

  parse(value: unknown, path: string, problems: Problem[]): number | undefined {
    const bytes = typeof value === 'number' ? value : typeof value === 'string' ? parseByteSize(value) : undefined;
    if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
      problems.push({
        path,
        message: `expected a size such as "16MiB" or a number of bytes, got ${describeValue(value)}`,
      });
      return undefined;
    }
    if (this.options.min !== undefined && bytes < this.options.min) {
      problems.push({ path, message: `must be at least ${this.options.min} bytes, got ${describeValue(value)}` });
      return undefined;
    }
    if (this.options.max !== undefined && bytes > this.options.max) {
      problems.push({ path, message: `must be at most ${this.options.max} bytes, got ${describeValue(value)}` });
      return undefined;
    }
    return bytes;
  }
}
