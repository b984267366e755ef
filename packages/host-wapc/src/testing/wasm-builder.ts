// A tiny WebAssembly assembler for tests: one exported `__guest_call(i32, i32) -> i32`, a memory,
// function imports and one data segment at address 0. It lets tests build misbehaving guests
// without a WAT toolchain on the machine.

/** A function import; every parameter and result is i32. */
export interface FunctionImport {
  module: string;
  name: string;
  parameters: number;
  results: 0 | 1;
}

/** What the module contains. */
export interface ModuleSpec {
  imports: FunctionImport[];
  /** The instructions of `__guest_call`, without the final `end`. */
  body: number[];
  data?: Uint8Array;
  exportMemory?: boolean;
}

const I32 = 0x7f;

/** Unsigned LEB128. */
export function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128, for `i32.const` immediates. */
export function signed(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

/** Assembles the module. */
export function buildModule(spec: ModuleSpec): Uint8Array {
  const signature = (parameters: number, results: number) => [
    0x60,
    ...vector(Array(parameters).fill([I32])),
    ...vector(Array(results).fill([I32])),
  ];
  const types = [...spec.imports.map((item) => signature(item.parameters, item.results)), signature(2, 1)];
  const guestCall = spec.imports.length;
  const exports = [[...name('__guest_call'), 0x00, ...unsigned(guestCall)]];
  if (spec.exportMemory !== false) exports.push([...name('memory'), 0x02, 0x00]);
  const code = [0x00, ...spec.body, 0x0b];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(
      2,
      vector(spec.imports.map((item, index) => [...name(item.module), ...name(item.name), 0x00, ...unsigned(index)])),
    ),
    ...section(3, vector([unsigned(guestCall)])),
    ...section(5, vector([[0x00, 0x01]])),
    ...section(7, vector(exports)),
    ...section(10, vector([[...unsigned(code.length), ...code]])),
  ];
  if (spec.data)
    bytes.push(...section(11, vector([[0x00, 0x41, 0x00, 0x0b, ...unsigned(spec.data.length), ...spec.data]])));
  return new Uint8Array(bytes);
}
