// @wapc/host's WapcHost with what 0.0.3 gets wrong fixed, so any standard waPC guest runs
// (AssemblyScript, Rust wapc-guest, TinyGo):
// - host errors are measured in UTF-8 bytes (0.0.3 reports UTF-16 units, so a non-ASCII message
//   is cut short) and carry the message without an "Error: " prefix;
// - its WASI stubs answer fd_write with the byte count as the errno, write args sizes big-endian
//   and lack clock_time_get, environ_*, proc_exit and random_get: ours are inert and complete;
// - it runs `_start` without handling `proc_exit(0)` (TinyGo's normal exit) and ignores WASI
//   reactors' `_initialize`;
// - a failed call without `__guest_error` became `Error("undefined")`, and a stale response from
//   the previous call could be returned: both are cleared and named here;
// - console output goes to a function instead of `console.log`.
// Calls are synchronous (waPC is): the same class serves the pipeline's thread and a worker.

import { WapcHost } from '@wapc/host';
import { createWasiImports, ProcExit, WASI_MODULE } from './wasi.ts';

/** Answers a guest's `__host_call`; throwing turns into a host error the guest can read. */
export type HostCallHandler = (
  binding: string,
  namespace: string,
  operation: string,
  payload: Uint8Array,
) => Uint8Array;

/** Where a guest's text output comes from: waPC `__console_log`, or WASI stdout / stderr. */
export type GuestOutputSource = 'console' | 'stdout' | 'stderr';

/** What an instance needs from its host: host calls, text output and the WASI clock grant. */
export interface GuestBridge {
  hostCall: HostCallHandler;
  output(source: GuestOutputSource, text: string): void;
  clock: 'real' | 'zero';
}

/** How one guest call ended. A trap leaves the instance unusable. */
export type CallOutcome =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; kind: 'guest_error' | 'trap'; message: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NO_RESPONSE = new Uint8Array(0);

/** A waPC host bound to one module instance. */
export class ContractHost extends WapcHost {
  readonly #bridge: GuestBridge;
  #hostError: Uint8Array | undefined;

  private constructor(bridge: GuestBridge) {
    super(bridge.hostCall);
    this.#bridge = bridge;
  }

  /**
   * Instantiates a compiled, validated module and runs its initialisers (`_initialize` or
   * `_start`, then `wapc_init`). Rejects with the reason when one of them fails.
   */
  static async create(module: WebAssembly.Module, bridge: GuestBridge): Promise<ContractHost> {
    const host = new ContractHost(bridge);
    const instance = await WebAssembly.instantiate(module, host.getImports());
    host.initialize(instance);
    return host;
  }

  /** The waPC imports with the fixes above, and the inert WASI stubs. */
  override getImports(): WebAssembly.Imports {
    const wapc = super.getImports()['wapc'] as WebAssembly.ModuleImports;
    const memory = () => new Uint8Array(this.getCallerMemory().buffer);
    const text = (pointer: number, length: number) => decoder.decode(memory().subarray(pointer, pointer + length));
    wapc['__host_call'] = (
      bindingPointer: number,
      bindingLength: number,
      namespacePointer: number,
      namespaceLength: number,
      operationPointer: number,
      operationLength: number,
      pointer: number,
      length: number,
    ): number => {
      this.state.hostResponse = undefined;
      this.#hostError = undefined;
      try {
        this.state.hostResponse = this.#bridge.hostCall(
          text(bindingPointer, bindingLength),
          text(namespacePointer, namespaceLength),
          text(operationPointer, operationLength),
          memory().slice(pointer, pointer + length),
        );
        return 1;
      } catch (error) {
        this.#hostError = encoder.encode(error instanceof Error ? error.message : String(error));
        return 0;
      }
    };
    wapc['__host_error_len'] = () => this.#hostError?.length ?? 0;
    wapc['__host_error'] = (pointer: number) => {
      if (this.#hostError) memory().set(this.#hostError, pointer);
    };
    wapc['__console_log'] = (pointer: number, length: number) => this.#bridge.output('console', text(pointer, length));
    return {
      wapc,
      [WASI_MODULE]: createWasiImports({
        memory: () => this.getCallerMemory(),
        write: (stream, line) => this.#bridge.output(stream, line),
        clock: this.#bridge.clock,
      }),
    };
  }

  /** Runs the module's initialisers; a WASI command's `_start` may end with `proc_exit(0)`. */
  override initialize(instance: WebAssembly.Instance): void {
    this.instance = instance;
    const exports = instance.exports;
    const initializer = (exports['_initialize'] ?? exports['_start']) as (() => void) | undefined;
    try {
      initializer?.();
    } catch (error) {
      if (!(error instanceof ProcExit && error.code === 0)) {
        const name = exports['_initialize'] ? '_initialize' : '_start';
        throw new Error(`The plugin's ${name} failed: ${describeFailure(error)}`);
      }
    }
    try {
      (exports['wapc_init'] as (() => void) | undefined)?.();
    } catch (error) {
      throw new Error(`The plugin's wapc_init failed: ${describeFailure(error)}`);
    }
    this.guestCall = exports['__guest_call'] as CallableFunction;
    if (typeof this.guestCall !== 'function') throw new Error('The plugin does not export "__guest_call".');
  }

  /** Calls a guest operation once. */
  callSync(operation: string, payload: Uint8Array): CallOutcome {
    const operationEncoded = encoder.encode(operation);
    this.state.guestRequest = { operation, operationEncoded, msg: payload };
    this.state.guestResponse = undefined;
    this.state.guestError = undefined;
    let result: unknown;
    try {
      result = this.guestCall(operationEncoded.length, payload.length);
    } catch (error) {
      const reported = this.state.guestError ? `${this.state.guestError} (${describeFailure(error)})` : undefined;
      return { ok: false, kind: 'trap', message: reported ?? describeFailure(error) };
    } finally {
      this.state.guestRequest = undefined;
    }
    if (result === 0 || result === false) {
      return {
        ok: false,
        kind: 'guest_error',
        message: this.state.guestError ?? 'the plugin reported a failure without a message',
      };
    }
    return { ok: true, bytes: this.state.guestResponse ?? NO_RESPONSE };
  }
}

/** A trap's or exception's message, with `proc_exit` named as such. */
export function describeFailure(error: unknown): string {
  if (error instanceof ProcExit) return error.message;
  if (error instanceof WebAssembly.RuntimeError) return `a WebAssembly trap: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
