// @wapc/host's WapcHost with the fixes the contract needs: instantiation from a compiled module
// (so a trapped instance is replaced without recompiling), host errors measured in UTF-8 bytes
// (stock 0.0.3 reports UTF-16 units), guest console output routed to a function, no WASI stubs,
// and response state cleared before each call so a stale answer is never returned.

import { WapcHost } from '@wapc/host';

/** Answers a guest's `__host_call`; throwing turns into a host error the guest can read. */
export type HostCallHandler = (
  binding: string,
  namespace: string,
  operation: string,
  payload: Uint8Array,
) => Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A waPC host bound to one module instance. */
export class ContractHost extends WapcHost {
  readonly #consoleLog: (message: string) => void;

  constructor(hostCall: HostCallHandler, consoleLog: (message: string) => void) {
    super(hostCall);
    this.#consoleLog = consoleLog;
  }

  /** Instantiates an already compiled and validated module. */
  async instantiateModule(module: WebAssembly.Module): Promise<this> {
    const instance = await WebAssembly.instantiate(module, this.getImports());
    this.initialize(instance);
    return this;
  }

  /** Only the `wapc` imports, with the host-error and console fixes. */
  override getImports(): WebAssembly.Imports {
    const wapc = super.getImports()['wapc'] as WebAssembly.ModuleImports;
    const memory = () => new Uint8Array(this.getCallerMemory().buffer);
    wapc['__host_error_len'] = () => encoder.encode(this.state.hostError ?? '').length;
    wapc['__host_error'] = (pointer: number) => memory().set(encoder.encode(this.state.hostError ?? ''), pointer);
    wapc['__console_log'] = (pointer: number, length: number) =>
      this.#consoleLog(decoder.decode(memory().subarray(pointer, pointer + length)));
    return { wapc };
  }

  /** Calls a guest operation once; rejects with the guest's error, or with the trap. */
  call(operation: string, payload: Uint8Array): Promise<Uint8Array> {
    this.state.guestResponse = undefined;
    this.state.guestError = undefined;
    return this.invoke(operation, payload);
  }

  /** The error message the guest reported before it trapped (an AssemblyScript abort), if any. */
  get lastGuestError(): string | undefined {
    return this.state.guestError;
  }
}
