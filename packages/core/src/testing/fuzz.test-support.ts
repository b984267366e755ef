// Shared support for the `*.fuzz.test.ts` files: property-based checks with fast-check that a
// parser or decoder, fed arbitrary or mutated input, returns a valid result or a clear error,
// never crashes, never takes long and never allocates without bound.
//
// CI runs a fixed seed and a modest run count; `FUZZ_RUNS=100000 FUZZ_SEED=7 node --import tsx
// --test <file>` runs more. With `RELIABILITY_REPORT_DIR=<dir>` every fuzz target appends one JSON
// line (name, area, inputs tried, crashes) to `<dir>/fuzz.jsonl`, and every sandbox or secrets
// case (see {@link reliabilityCase}) one to `<dir>/sandbox.jsonl`; `scripts/reliability-suites.mjs`
// turns them into reliability/results/*.json.

import { appendFileSync } from 'node:fs';
import process from 'node:process';
import fc from 'fast-check';
import { WasmpipeError } from '../errors/errors.ts';

export { fc };

/** The seed of every fuzz run: fixed unless `FUZZ_SEED` says otherwise, so CI is reproducible. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_240_901);

/** How many inputs a target tries: `FUZZ_RUNS` when set, else the target's CI default. */
export function fuzzRuns(ciDefault: number): number {
  const fromEnvironment = Number(process.env.FUZZ_RUNS);
  return Number.isFinite(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : ciDefault;
}

/** How one fuzz target is checked. */
export interface FuzzTarget<Input> {
  /** A short name for the results table, e.g. "msgpack contract decoder: random bytes". */
  name: string;
  /** The area of the code, e.g. "host-wapc codec". */
  area: string;
  /** The inputs. */
  input: fc.Arbitrary<Input>;
  /** Calls the code under test; returning (any value) or throwing an accepted error passes. */
  run: (input: Input) => unknown;
  /** Besides a WasmpipeError, which thrown errors are the component's documented errors. */
  accepts?: (error: unknown) => boolean;
  /** Inputs to try; `FUZZ_RUNS` overrides. */
  runs: number;
  /** Most milliseconds one input may take (a loaded machine is allowed for). Default 2000. */
  timeBoxMs?: number;
  /** Most bytes the resident set may grow over the whole run. Default 512 MiB. */
  maxGrowthBytes?: number;
}

/** What a fuzz run found: counted for the results file. */
export interface FuzzOutcome {
  inputs: number;
  crashes: number;
}

/** A message for an input that broke the rules, with the error it threw. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}

/**
 * Runs a synchronous target over `runs` inputs. Each input must return or throw an accepted error
 * within the time box; the process must not grow past the memory bound. On failure fast-check
 * shrinks the input and the assertion names the smallest counterexample and the seed.
 */
export function fuzz<Input>(target: FuzzTarget<Input>): FuzzOutcome {
  const runs = fuzzRuns(target.runs);
  const timeBox = target.timeBoxMs ?? 2000;
  const maxGrowth = target.maxGrowthBytes ?? 512 * 1024 * 1024;
  const startRss = process.memoryUsage().rss;
  let inputs = 0;
  let crashes = 0;
  const property = fc.property(target.input, (input) => {
    inputs += 1;
    const started = performance.now();
    try {
      target.run(input);
    } catch (error) {
      if (!WasmpipeError.isInstance(error) && !(target.accepts?.(error) ?? false)) {
        crashes += 1;
        throw new Error(`Not a clear error: ${describeFailure(error)}`);
      }
    }
    const elapsed = performance.now() - started;
    if (elapsed > timeBox) throw new Error(`One input took ${elapsed.toFixed(0)} ms (time box ${timeBox} ms).`);
    if (inputs % 64 === 0) checkMemory(startRss, maxGrowth);
  });
  try {
    fc.assert(property, { seed: FUZZ_SEED, numRuns: runs, endOnFailure: false, includeErrorInReport: true });
    checkMemory(startRss, maxGrowth);
  } finally {
    report(target, { inputs, crashes });
  }
  return { inputs, crashes };
}

/** An asynchronous target (a request over a socket); `timeBoxMs` is enforced by fast-check. */
export interface AsyncFuzzTarget<Input> extends Omit<FuzzTarget<Input>, 'run'> {
  run: (input: Input) => Promise<unknown>;
}

/** {@link fuzz} for asynchronous targets. */
export async function fuzzAsync<Input>(target: AsyncFuzzTarget<Input>): Promise<FuzzOutcome> {
  const runs = fuzzRuns(target.runs);
  const timeBox = target.timeBoxMs ?? 5000;
  const maxGrowth = target.maxGrowthBytes ?? 512 * 1024 * 1024;
  const startRss = process.memoryUsage().rss;
  let inputs = 0;
  let crashes = 0;
  const property = fc.asyncProperty(target.input, async (input) => {
    inputs += 1;
    const started = performance.now();
    try {
      await target.run(input);
    } catch (error) {
      if (!WasmpipeError.isInstance(error) && !(target.accepts?.(error) ?? false)) {
        crashes += 1;
        throw new Error(`Not a clear error: ${describeFailure(error)}`);
      }
    }
    const elapsed = performance.now() - started;
    if (elapsed > timeBox) throw new Error(`One input took ${elapsed.toFixed(0)} ms (time box ${timeBox} ms).`);
    if (inputs % 16 === 0) checkMemory(startRss, maxGrowth);
  });
  try {
    await fc.assert(property, {
      seed: FUZZ_SEED,
      numRuns: runs,
      timeout: timeBox,
      endOnFailure: false,
      includeErrorInReport: true,
    });
    checkMemory(startRss, maxGrowth);
  } finally {
    report(target, { inputs, crashes });
  }
  return { inputs, crashes };
}

function checkMemory(startRss: number, maxGrowth: number): void {
  const growth = process.memoryUsage().rss - startRss;
  if (growth > maxGrowth) {
    throw new Error(`The resident set grew by ${(growth / 1048576).toFixed(0)} MiB during the run.`);
  }
}

function report(target: { name: string; area: string }, outcome: FuzzOutcome): void {
  appendCase('fuzz', {
    name: target.name,
    area: target.area,
    inputs: outcome.inputs,
    crashes: outcome.crashes,
    result: outcome.crashes === 0 ? 'pass' : 'fail',
  });
}

function appendCase(suite: string, line: Record<string, unknown>): void {
  const directory = process.env.RELIABILITY_REPORT_DIR;
  if (!directory) return;
  const runtime = process.env.WASMPIPE_TEST_RUNTIME ?? 'node';
  appendFileSync(`${directory}/${suite}.jsonl`, `${JSON.stringify({ ...line, runtime })}\n`);
}

/**
 * Runs one sandbox or secrets check and records its outcome for reliability/results/sandbox.json
 * (when RELIABILITY_REPORT_DIR is set); the check's own failure is rethrown for the test runner.
 */
export async function reliabilityCase(
  suite: 'sandbox',
  name: string,
  area: string,
  check: () => Promise<string | undefined> | string | undefined,
): Promise<void> {
  try {
    const notes = await check();
    appendCase(suite, { name, area, result: 'pass', ...(notes ? { notes } : {}) });
  } catch (error) {
    appendCase(suite, { name, area, result: 'fail', notes: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

// Mutations of valid encodings: most random bytes are refused at the first byte, so the deeper
// paths of a decoder are reached by changing a few bytes of something valid.

/** One change to a byte string. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; count: number }
  | { kind: 'huge-length'; at: number; prefix: number };

// Length-prefix headers claiming up to 4 GiB: str32, bin32, array32, map32, ext32.
const HUGE_PREFIXES = [0xdb, 0xc6, 0xdd, 0xdf, 0xc9, 0xda, 0xc5, 0xdc, 0xde];
// Interesting single bytes: msgpack type boundaries, protobuf wire types, separators.
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xd4, 0xd9, 0xff];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('huge-length' as const), at: fc.nat(), prefix: fc.constantFrom(...HUGE_PREFIXES) }),
);

function applyMutation(bytes: Uint8Array, change: Mutation): Uint8Array {
  const length = bytes.length;
  const at = length === 0 ? 0 : change.at % (length + 1);
  switch (change.kind) {
    case 'flip': {
      if (length === 0) return bytes;
      const copy = bytes.slice();
      copy[at % length]! ^= 1 << change.bit;
      return copy;
    }
    case 'set': {
      if (length === 0) return bytes;
      const copy = bytes.slice();
      copy[at % length] = change.value;
      return copy;
    }
    case 'insert':
      return concat(bytes.subarray(0, at), change.bytes, bytes.subarray(at));
    case 'delete':
      return concat(bytes.subarray(0, at), bytes.subarray(at + change.count));
    case 'truncate':
      return bytes.slice(0, at);
    case 'duplicate':
      return concat(bytes.subarray(0, at + change.count), bytes.subarray(at));
    case 'huge-length': {
      // Replaces a length header by one claiming 4 GiB - 1 (or 64 KiB - 1 for 16-bit headers).
      const wide = change.prefix === 0xdb || change.prefix === 0xc6 || change.prefix === 0xdd || change.prefix === 0xdf;
      const header =
        change.prefix === 0xc9
          ? [0xc9, 0xff, 0xff, 0xff, 0xff, 0x01]
          : wide
            ? [change.prefix, 0xff, 0xff, 0xff, 0xff]
            : [change.prefix, 0xff, 0xff];
      return concat(bytes.subarray(0, at), Uint8Array.from(header), bytes.subarray(at + 1));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Inputs made from one of `seeds` with 1 to `maxMutations` mutations applied. */
export function mutatedBytes(seeds: readonly Uint8Array[], maxMutations = 4): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: maxMutations }))
    .map(([seed, changes]) => changes.reduce(applyMutation, seed));
}

/** Text inputs made from one of `seeds` (UTF-8) by byte mutations, decoded leniently. */
export function mutatedText(seeds: readonly string[], maxMutations = 4): fc.Arbitrary<string> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return mutatedBytes(
    seeds.map((seed) => encoder.encode(seed)),
    maxMutations,
  ).map((bytes) => decoder.decode(bytes));
}

/** Text inputs made by changing whole lines and tokens of `seeds`, for line-based formats. */
export function mutatedLines(seeds: readonly string[], tokens: readonly string[] = []): fc.Arbitrary<string> {
  const pieces = [
    ...tokens,
    '',
    ' ',
    '\t',
    '\n',
    '-',
    '0',
    '-1',
    '18446744073709551616',
    'NaN',
    '1e309',
    '"',
    '{',
    ':',
  ];
  const lineMutation = fc.record({
    kind: fc.constantFrom('replace-token', 'drop-line', 'duplicate-line', 'swap-lines', 'insert-token'),
    line: fc.nat(),
    other: fc.nat(),
    token: fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 12 })),
  });
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(lineMutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, changes]) => {
      const lines = seed.split('\n');
      for (const change of changes) {
        if (lines.length === 0) lines.push('');
        const index = change.line % lines.length;
        const line = lines[index] ?? '';
        if (change.kind === 'drop-line') lines.splice(index, 1);
        else if (change.kind === 'duplicate-line') lines.splice(index, 0, line);
        else if (change.kind === 'swap-lines') {
          const other = change.other % lines.length;
          lines[index] = lines[other] ?? '';
          lines[other] = line;
        } else {
          const words = line.split(/(\s+)/);
          const word = change.other % Math.max(words.length, 1);
          if (change.kind === 'replace-token') words[word] = change.token;
          else words.splice(word, 0, change.token);
          lines[index] = words.join('');
        }
      }
      return lines.join('\n');
    });
}
