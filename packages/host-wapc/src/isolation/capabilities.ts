// What each runtime can do for plugin isolation, as measured on this project's machine. Runtime
// differences are data: code and tests read this table instead of checking the runtime.

import { detectRuntime, type RuntimeName } from '@wasmpipe/core';

/** Isolation capabilities of one runtime. */
export interface IsolationCapabilities {
  /**
   * `worker.terminate()` stops a worker whose thread is running WebAssembly (a guest in an
   * infinite loop). Node 20 and Deno 2.9: yes, within milliseconds. Bun 1.4.5: no, the promise
   * never settles and the thread keeps running, so the pool abandons such a worker (and disables
   * the plugin once as many were abandoned as it has workers).
   */
  terminatesRunningWasm: boolean;
}

/** The table, per runtime. */
export const ISOLATION_CAPABILITIES: Readonly<Record<RuntimeName, IsolationCapabilities>> = {
  node: { terminatesRunningWasm: true },
  deno: { terminatesRunningWasm: true },
  bun: { terminatesRunningWasm: false },
};

/** The capabilities of the runtime this code runs on. */
export function isolationCapabilities(): IsolationCapabilities {
  return ISOLATION_CAPABILITIES[detectRuntime()];
}
