// The filter plugin as an Extism plugin: the very filter of plugins/filter (its source, imported)
// and the SDK's batch reader and answer writer, behind Extism's ABI (exports that read the input
// and set the output through the `extism:host/env` kernel) instead of waPC's `__guest_call`.
// Input and answer are the same bytes as the waPC plugin's: a contract batch in, a selection (or
// "unchanged") out, and the config as msgpack. Only the plugin runtime differs.

import { Host, Memory } from '@extism/as-pdk';
import { error_set } from '@extism/as-pdk/lib/env';
import { Config, MetricsBatch } from '@wasmpipe/sdk-assemblyscript/assembly';
import { Writer } from '@wasmpipe/sdk-assemblyscript/assembly/msgpack';
import { Filter } from '../../../plugins/filter/assembly/filter';

const filter = new Filter();
const answer = new Writer(64 * 1024);

function fail(message: string): i32 {
  error_set(Memory.allocateString(message).offset);
  return 1;
}

/** Applies the filter's config (msgpack, as the waPC plugin takes it). */
export function configure(): i32 {
  const config = Config.parse(Host.input().buffer);
  if (config == null) return fail('The config is not valid msgpack.');
  const problem = filter.configure(config);
  __collect();
  return problem.length > 0 ? fail(problem) : 0;
}

/** Filters one metrics batch (contract layout); answers a selection, or an empty map when nothing is dropped. */
export function process_metrics(): i32 {
  const batch = new MetricsBatch(Host.input().buffer);
  if (batch.failed) return fail('The metrics batch is not in the contract layout.');
  filter.processMetrics(batch);
  answer.reset();
  if (batch.drops) batch.writeSelection(answer);
  else answer.writeMapHeader(0);
  Host.output(Uint8Array.wrap(answer.finish()));
  // The minimal runtime collects only here, between calls, as the SDK does for waPC.
  __collect();
  return 0;
}

/** Reports an AssemblyScript abort through Extism's error before the trap that follows it. */
function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const where = fileName == null ? '' : ' at ' + fileName + ':' + line.toString() + ':' + column.toString();
  error_set(Memory.allocateString((message == null ? 'abort' : message) + where).offset);
  unreachable();
}
