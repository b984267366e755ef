// The answer of a process operation (contract type ProcessResult): nothing (the batch passes
// unchanged), a selection (bitmaps), or a replacement batch. The replacement is located in the
// answer's bytes and handed on as bytes: nothing is decoded here.

import { permanentError } from '@wasmpipe/core';
import { WireReader } from './wire-reader.ts';

/** What a plugin answered for one batch. */
export type ProcessResult =
  | { kind: 'unchanged' }
  | { kind: 'keep'; keep?: Uint8Array; keepPoints?: Uint8Array }
  | { kind: 'replace'; batch: Uint8Array };

const UNCHANGED: ProcessResult = { kind: 'unchanged' };

/** Decodes a process answer: no bytes, nil or `{}` (unchanged), `{keep?, keepPoints?}` or `{batch}`. */
export function decodeProcessResult(bytes: Uint8Array): ProcessResult {
  if (bytes.length === 0) return UNCHANGED;
  const reader = new WireReader(bytes);
  if (reader.nil()) return finish(reader, UNCHANGED);
  const type = reader.peek();
  if (type === undefined || !((type >= 0x80 && type <= 0x8f) || type === 0xde || type === 0xdf)) {
    throw permanentError('The plugin answered a process call with something other than a map.');
  }
  const entries = reader.mapHeader('ProcessResult');
  let keep: Uint8Array | undefined;
  let keepPoints: Uint8Array | undefined;
  let batch: Uint8Array | undefined;
  const unknown: string[] = [];
  for (let index = 0; index < entries; index++) {
    const key = reader.inlineString('ProcessResult key');
    if (reader.nil()) continue;
    if (key === 'keep' || key === 'keepPoints') {
      const type = reader.peek();
      if (type !== 0xc4 && type !== 0xc5 && type !== 0xc6) {
        throw permanentError(`The plugin answered "${key}" that is not bytes (a bitmap).`);
      }
      const bitmap = reader.binCopy(key);
      if (key === 'keep') keep = bitmap;
      else keepPoints = bitmap;
    } else if (key === 'batch') {
      const start = reader.position;
      if (entries === 1) {
        // The usual answer: the batch is the rest of the bytes. The scan that checks it also
        // checks that nothing trails it, so it is not walked twice.
        reader.position = reader.end;
      } else reader.skip('ProcessResult.batch');
      batch = bytes.subarray(start, reader.position);
    } else {
      unknown.push(key);
      reader.skip('ProcessResult');
    }
  }
  if (unknown.length > 0) throw permanentError(`The plugin answered unknown key(s): ${unknown.join(', ')}.`);
  if (batch !== undefined && (keep !== undefined || keepPoints !== undefined)) {
    throw permanentError('The plugin answered both a selection and "batch"; expected one.');
  }
  if (batch !== undefined) return finish(reader, { kind: 'replace', batch });
  if (keep === undefined && keepPoints === undefined) return finish(reader, UNCHANGED);
  const selection: ProcessResult = { kind: 'keep' };
  if (keep !== undefined) selection.keep = keep;
  if (keepPoints !== undefined) selection.keepPoints = keepPoints;
  return finish(reader, selection);
}

function finish(reader: WireReader, result: ProcessResult): ProcessResult {
  if (reader.position !== reader.end) throw permanentError('The plugin answered a process call with trailing bytes.');
  return result;
}
