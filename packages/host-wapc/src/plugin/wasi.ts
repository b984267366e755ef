// Inert WASI preview 1 stubs: what TinyGo (and Rust built for wasm32-wasi) import even when a
// plugin never asks for a file, answered so that nothing of the host leaks: no arguments, no
// environment, a zero clock unless the config grants the real one, output routed to the plugin's
// log, and `proc_exit` unwinding the guest (a trap, unless `_start` exits with 0).

import { unixNanos } from './host-clock.ts';

/** The WASI module name guests import from. */
export const WASI_MODULE = 'wasi_snapshot_preview1';

/** The WASI functions a plugin may import; anything else from WASI is refused at load. */
export const WASI_IMPORTS: ReadonlySet<string> = new Set([
  'fd_write',
  'clock_time_get',
  'args_sizes_get',
  'args_get',
  'environ_sizes_get',
  'environ_get',
  'proc_exit',
  'random_get',
]);

/** What the stubs need from the instance they serve. */
export interface WasiOptions {
  /** The guest's memory (known only after instantiation). */
  memory(): WebAssembly.Memory;
  /** Receives what the guest writes to stdout (1) or stderr (2). */
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** `real` reads the host clock; `zero` (the default) answers 0 for every clock. */
  clock: 'real' | 'zero';
}

/** Thrown by `proc_exit` to unwind the guest. */
export class ProcExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`The plugin called proc_exit(${code}).`);
    this.name = 'ProcExit';
    this.code = code;
  }
}

const SUCCESS = 0;
const BADF = 8;
const INVAL = 28;
/** At most this much of one fd_write reaches the log; the rest is counted as written and dropped. */
const MAX_WRITE_TEXT = 16 * 1024;
const decoder = new TextDecoder();

/** Builds the `wasi_snapshot_preview1` import object. */
export function createWasiImports(options: WasiOptions): WebAssembly.ModuleImports {
  const view = () => new DataView(options.memory().buffer);
  const bytes = () => new Uint8Array(options.memory().buffer);
  const zeroPair = (first: number, second: number) => {
    const data = view();
    data.setUint32(first, 0, true);
    data.setUint32(second, 0, true);
    return SUCCESS;
  };
  return {
    fd_write(fd: number, iovs: number, iovsLength: number, writtenPointer: number): number {
      const data = view();
      if (fd !== 1 && fd !== 2) {
        data.setUint32(writtenPointer, 0, true);
        return BADF;
      }
      const memory = bytes();
      let written = 0;
      let text = '';
      for (let index = 0; index < iovsLength; index++) {
        const base = data.getUint32(iovs + index * 8, true);
        const length = data.getUint32(iovs + index * 8 + 4, true);
        if (text.length < MAX_WRITE_TEXT) {
          text += decoder.decode(memory.subarray(base, base + Math.min(length, MAX_WRITE_TEXT)));
        }
        written += length;
      }
      data.setUint32(writtenPointer, written, true);
      const line = text.replace(/\n$/, '');
      if (line.length > 0) options.write(fd === 1 ? 'stdout' : 'stderr', line.slice(0, MAX_WRITE_TEXT));
      return SUCCESS;
    },
    clock_time_get(clock: number, _precision: bigint, timePointer: number): number {
      if (clock < 0 || clock > 3) return INVAL;
      view().setBigUint64(timePointer, options.clock === 'real' ? readClock(clock) : 0n, true);
      return SUCCESS;
    },
    args_sizes_get: zeroPair,
    args_get: () => SUCCESS,
    environ_sizes_get: zeroPair,
    environ_get: () => SUCCESS,
    proc_exit(code: number): never {
      throw new ProcExit(code);
    },
    random_get(pointer: number, length: number): number {
      const memory = bytes();
      // getRandomValues fills at most 65,536 bytes per call.
      for (let offset = 0; offset < length; offset += 65_536) {
        crypto.getRandomValues(memory.subarray(pointer + offset, pointer + Math.min(length, offset + 65_536)));
      }
      return SUCCESS;
    },
  };
}

/** Realtime (0) in unix nanoseconds; the monotonic and CPU clocks (1-3) in nanoseconds since start. */
function readClock(clock: number): bigint {
  if (clock === 0) return unixNanos();
  return BigInt(Math.round(performance.now() * 1_000_000));
}
