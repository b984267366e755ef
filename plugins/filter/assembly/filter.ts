// The filter itself: its config, and the walk over a metrics batch that reads only metric names.
// The batch layout (contracts/wasmpipe.apexlang, "tuple" types): MetricsBatch = [resourceMetrics],
// ResourceMetrics = [resource, scopeMetrics, schemaUrl], ScopeMetrics = [scope, metrics, schemaUrl],
// Metric = [name, ...]. Fields past the ones read are skipped, so newer layouts still parse.

import { globMatches } from './glob';
import { MsgpackReader } from './msgpack-reader';
import { MsgpackWriter } from './msgpack-writer';

let includes = new Array<ArrayBuffer>();
let excludes = new Array<ArrayBuffer>();
let keepBits = new Uint8Array(64);

/** Applies the plugin's config (a msgpack map, or nil); returns an error message, or '' when it is valid. */
export function configure(payload: ArrayBuffer): string {
  const reader = MsgpackReader.over(payload);
  const nextIncludes = new Array<ArrayBuffer>();
  const nextExcludes = new Array<ArrayBuffer>();
  if (payload.byteLength > 0 && !reader.readNil()) {
    const count = reader.readMapHeader();
    if (reader.failed) return 'The filter config must be a map with "include" and/or "exclude".';
    for (let index = 0; index < count; index++) {
      const key = reader.readString();
      if (reader.failed) return 'The filter config keys must be strings.';
      let problem = '';
      if (key == 'include') problem = readGlobs(reader, key, nextIncludes);
      else if (key == 'exclude') problem = readGlobs(reader, key, nextExcludes);
      else problem = 'Unknown option "' + key + '"; known options: exclude, include.';
      if (problem.length > 0) return problem;
    }
  }
  includes = nextIncludes;
  excludes = nextExcludes;
  return '';
}

function readGlobs(reader: MsgpackReader, key: string, into: Array<ArrayBuffer>): string {
  if (reader.readNil()) return '';
  const count = reader.readArrayHeader();
  if (reader.failed) return 'Option "' + key + '" must be a list of glob strings.';
  for (let index = 0; index < count; index++) {
    const length = reader.readStringHeader();
    if (reader.failed) return 'Option "' + key + '[' + index.toString() + ']" must be a string.';
    const glob = new ArrayBuffer(length);
    memory.copy(changetype<usize>(glob), reader.stringStart, <usize>length);
    into.push(glob);
  }
  return '';
}

function matchesAny(globs: Array<ArrayBuffer>, name: usize, length: i32): bool {
  for (let index = 0; index < globs.length; index++) {
    if (globMatches(unchecked(globs[index]), name, length)) return true;
  }
  return false;
}

function keeps(name: usize, length: i32): bool {
  if (includes.length > 0 && !matchesAny(includes, name, length)) return false;
  return !matchesAny(excludes, name, length);
}

function setBit(index: i32, keep: bool): void {
  const byteIndex = index >>> 3;
  if (byteIndex >= keepBits.length) {
    const grown = new Uint8Array(keepBits.length * 2);
    grown.set(keepBits);
    keepBits = grown;
  }
  const mask = <u8>(<i32>1 << (index & 7));
  const current = unchecked(keepBits[byteIndex]);
  unchecked((keepBits[byteIndex] = keep ? current | mask : current & ~mask));
}

/**
 * Walks a metrics batch and answers a selection: `{}` when every metric is kept, else
 * `{"keep": bin}` with bit i (least significant first) set when the i-th metric is kept.
 * Returns null when the batch is malformed.
 */
export function selectMetrics(payload: ArrayBuffer): ArrayBuffer | null {
  const reader = MsgpackReader.over(payload);
  let metricIndex = 0;
  let dropped = 0;
  const batchFields = reader.readArrayHeader();
  if (batchFields >= 1) {
    const resourceCount = reader.readArrayHeader();
    for (let resource = 0; resource < resourceCount && !reader.failed; resource++) {
      const resourceFields = reader.readArrayHeader();
      reader.skip();
      const scopeCount = reader.readArrayHeader();
      for (let scope = 0; scope < scopeCount && !reader.failed; scope++) {
        const scopeFields = reader.readArrayHeader();
        reader.skip();
        const metricCount = reader.readArrayHeader();
        for (let metric = 0; metric < metricCount && !reader.failed; metric++) {
          const metricFields = reader.readArrayHeader();
          const nameLength = reader.readStringHeader();
          if (reader.failed) break;
          const keep = keeps(reader.stringStart, nameLength);
          setBit(metricIndex, keep);
          if (!keep) dropped += 1;
          metricIndex += 1;
          reader.skipMany(metricFields - 1);
        }
        reader.skipMany(scopeFields - 2);
      }
      reader.skipMany(resourceFields - 2);
    }
    reader.skipMany(batchFields - 1);
  }
  if (reader.failed || batchFields < 0) return null;
  const writer = new MsgpackWriter();
  if (dropped == 0) {
    writer.writeMapHeader(0);
    return writer.finish();
  }
  writer.writeMapHeader(1);
  writer.writeString('keep');
  writer.writeBinary(keepBits.dataStart, (metricIndex + 7) >>> 3);
  return writer.finish();
}
