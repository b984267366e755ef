// The answer of a process operation (contract type ProcessResult): a selection, a replacement
// batch, or nothing, meaning the batch passes unchanged.

import { isPlainObject, permanentError } from '@wasmpipe/core';
import { createWireDecoder } from './codec.ts';

/** What a plugin answered for one batch. `batch` is the decoded tuple tree, not yet checked. */
export type ProcessResult =
  | { kind: 'unchanged' }
  | { kind: 'keep'; keep: Uint8Array }
  | { kind: 'replace'; batch: unknown };

const decoder = createWireDecoder();

/** Decodes a process answer: `{}`, nil or no bytes (unchanged), `{"keep": bin}` or `{"batch": [...]}`. */
export function decodeProcessResult(bytes: Uint8Array): ProcessResult {
  if (bytes.length === 0) return { kind: 'unchanged' };
  const answer = decoder.decode(bytes);
  if (answer == null) return { kind: 'unchanged' };
  if (!isPlainObject(answer))
    throw permanentError('The plugin answered a process call with something other than a map.');
  const { keep, batch } = answer;
  if (keep != null && batch != null) throw permanentError('The plugin answered both "keep" and "batch"; expected one.');
  if (keep != null) {
    if (!(keep instanceof Uint8Array)) throw permanentError('The plugin answered "keep" that is not bytes (a bitmap).');
    return { kind: 'keep', keep };
  }
  if (batch != null) return { kind: 'replace', batch };
  const unknownKeys = Object.keys(answer);
  if (unknownKeys.length > 0) throw permanentError(`The plugin answered unknown key(s): ${unknownKeys.join(', ')}.`);
  return { kind: 'unchanged' };
}
