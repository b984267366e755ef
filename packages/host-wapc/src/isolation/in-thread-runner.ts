// Runs the guest in the pipeline's own thread: the cheapest call, but nothing can stop a guest
// that never returns, so `timeout` does not apply (the config refuses it with `workers: 0`).

import { ContractHost } from '../plugin/contract-host.ts';
import { type GuestRunner, pluginFailure, type RunnerOptions } from './runner.ts';

/** One instance in this thread; a trapped instance is replaced (and re-configured) on the next call. */
export class InThreadRunner implements GuestRunner {
  readonly #module: WebAssembly.Module;
  readonly #options: RunnerOptions;
  #host: ContractHost | undefined;
  #configuration: Uint8Array | undefined;
  #closed = false;

  private constructor(module: WebAssembly.Module, options: RunnerOptions, host: ContractHost) {
    this.#module = module;
    this.#options = options;
    this.#host = host;
  }

  /** Instantiates the module; rejects with the reason when its initialisers fail. */
  static async start(module: WebAssembly.Module, options: RunnerOptions): Promise<InThreadRunner> {
    const host = await ContractHost.create(module, {
      hostCall: options.hostCall,
      output: options.output,
      clock: options.clock,
    }).catch((error: unknown) => {
      throw pluginFailure('unavailable', `The plugin could not start: ${messageOf(error)}`, error);
    });
    return new InThreadRunner(module, options, host);
  }

  async call(operation: string, payload: Uint8Array): Promise<Uint8Array> {
    const host = await this.#instance();
    const outcome = host.callSync(operation, payload);
    if (outcome.ok) return outcome.bytes;
    // A trapped instance may hold a corrupt heap: never call it again.
    if (outcome.kind === 'trap') this.#host = undefined;
    throw pluginFailure(outcome.kind, `The plugin ${verb(outcome.kind)} in ${operation}: ${outcome.message}`);
  }

  async configure(payload: Uint8Array): Promise<void> {
    await this.call('configure', payload);
    this.#configuration = payload.slice();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#host = undefined;
  }

  async #instance(): Promise<ContractHost> {
    if (this.#closed) throw pluginFailure('unavailable', 'The plugin was shut down.');
    if (this.#host) return this.#host;
    let host: ContractHost;
    try {
      host = await ContractHost.create(this.#module, {
        hostCall: this.#options.hostCall,
        output: this.#options.output,
        clock: this.#options.clock,
      });
      if (this.#configuration) {
        const outcome = host.callSync('configure', this.#configuration);
        if (!outcome.ok) throw new Error(`configure failed: ${outcome.message}`);
      }
    } catch (error) {
      throw pluginFailure('unavailable', `The plugin could not be restarted after a trap: ${messageOf(error)}`, error);
    }
    this.#host = host;
    this.#options.onRestart?.('trap');
    return host;
  }
}

/** How a failure reads in a message: "trapped", "failed". */
export function verb(kind: string): string {
  return kind === 'trap' ? 'trapped' : kind === 'timeout' ? 'timed out' : 'failed';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
