import type { RuntimeName } from './types.ts';

/** The one place that works out which runtime this is. */
export function detectRuntime(): RuntimeName {
  const global = globalThis as Record<string, unknown>;
  if (typeof global['Bun'] !== 'undefined') return 'bun';
  if (typeof global['Deno'] !== 'undefined') return 'deno';
  return 'node';
}
