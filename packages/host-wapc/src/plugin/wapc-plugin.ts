// One loaded waPC plugin: describe, configure, and one guest call per batch. Selections are
// applied to the tree or the bytes the host holds; replacement batches are checked and kept as
// bytes until something reads them (see codec/wire-batch.ts).

import type { Encoder } from '@msgpack/msgpack';
import {
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  permanentError,
  type Signal,
  silentLogger,
} from '@wasmpipe/core';
import {
  applyLogsAnswer,
  applyMetricsAnswer,
  createWireDecoder,
  createWireEncoder,
  encodeLogsBatch,
  encodeMetricsBatch,
} from '../codec/codec.ts';
import { ContractHost } from './contract-host.ts';
import { createHostCallHandler } from './host-calls.ts';
import { compilePlugin } from './validate-module.ts';

/** What a plugin says about itself (contract type Description). */
export interface PluginDescription {
  name: string;
  version: string;
  contractVersion: string;
  signals: Signal[];
}

/** Options for {@link WapcPlugin.load}. */
export interface WapcPluginOptions {
  /** Pinned SHA-256 of the module, hex; a mismatch refuses the module. */
  sha256?: string;
  /** Receives the plugin's `log` host calls and console output. */
  logger?: Logger;
}

const TRAP = Symbol.for('wasmpipe.plugin.trap');

/** True when an error from a plugin call was a trap (the instance was replaced afterwards). */
export function isPluginTrap(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[TRAP] === true;
}

/** A waPC plugin loaded from bytes, checked against the contract before it runs. */
export class WapcPlugin {
  readonly #module: WebAssembly.Module;
  readonly #logger: Logger;
  readonly #encoder: Encoder = createWireEncoder();
  readonly #decoder = createWireDecoder();
  #host: ContractHost | undefined;
  #replacing: Promise<ContractHost> | undefined;
  #configPayload: Uint8Array | undefined;

  private constructor(module: WebAssembly.Module, logger: Logger) {
    this.#module = module;
    this.#logger = logger;
  }

  /** Validates (magic bytes, sha256 pin, imports, exports) and instantiates a module. */
  static async load(bytes: Uint8Array, options: WapcPluginOptions = {}): Promise<WapcPlugin> {
    const module = await compilePlugin(bytes, options.sha256 === undefined ? {} : { sha256: options.sha256 });
    const plugin = new WapcPlugin(module, options.logger ?? silentLogger);
    plugin.#host = await plugin.#instantiate();
    return plugin;
  }

  /** Asks the plugin who it is and which signals it handles. */
  async describe(): Promise<PluginDescription> {
    const answer = this.#decoder.decode(await this.#call('describe', new Uint8Array(0)));
    const { name, version, contractVersion, signals } = (answer ?? {}) as Record<string, unknown>;
    const validSignals = Array.isArray(signals) && signals.every((signal) => signal === 'metrics' || signal === 'logs');
    if (
      typeof name !== 'string' ||
      typeof version !== 'string' ||
      typeof contractVersion !== 'string' ||
      !validSignals
    ) {
      throw permanentError('The plugin answered describe without name, version, contractVersion and signals.');
    }
    return { name, version, contractVersion, signals: signals as Signal[] };
  }

  /** Hands the plugin its config (any value from YAML, msgpack-encoded); rejects with the plugin's error. */
  async configure(config: unknown): Promise<void> {
    const payload = this.#encoder.encode(config ?? null);
    await this.#call('configure', payload);
    this.#configPayload = payload;
  }

  /**
   * Runs one metrics batch through the plugin. The result may hold the batch as bytes only (a
   * wire batch): the next plugin takes them as they are, and the tree is decoded when read.
   */
  async processMetrics(batch: MetricsBatch): Promise<MetricsBatch> {
    const input = encodeMetricsBatch(batch);
    return applyMetricsAnswer(batch, input, await this.#call('process_metrics', input));
  }

  /** Runs one logs batch through the plugin (see {@link processMetrics}). */
  async processLogs(batch: LogsBatch): Promise<LogsBatch> {
    const input = encodeLogsBatch(batch);
    return applyLogsAnswer(batch, input, await this.#call('process_logs', input));
  }

  async #instantiate(): Promise<ContractHost> {
    const host = new ContractHost(createHostCallHandler(this.#logger), (message) =>
      this.#logger.debug('Plugin console output.', { output: message }),
    );
    return host.instantiateModule(this.#module);
  }

  // The payload is copied into guest memory synchronously inside `call`, so a shared encoder
  // buffer is safe to pass.
  async #call(operation: string, payload: Uint8Array): Promise<Uint8Array> {
    if (!this.#host) {
      this.#replacing ??= this.#replaceInstance();
      this.#host = await this.#replacing;
    }
    const host = this.#host;
    try {
      return await host.call(operation, payload);
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) {
        throw permanentError(`The plugin's ${operation} failed: ${messageOf(error)}`, error);
      }
      // A trapped instance may hold a corrupt heap: never call it again.
      this.#host = undefined;
      const detail = host.lastGuestError ? `${host.lastGuestError} (${messageOf(error)})` : messageOf(error);
      const trap = permanentError(`The plugin trapped in ${operation}: ${detail}`, error);
      Object.defineProperty(trap, TRAP, { value: true });
      throw trap;
    }
  }

  async #replaceInstance(): Promise<ContractHost> {
    try {
      const host = await this.#instantiate();
      if (this.#configPayload) await host.call('configure', this.#configPayload);
      return host;
    } catch (error) {
      throw permanentError(`The plugin could not be restarted after a trap: ${messageOf(error)}`, error);
    } finally {
      this.#replacing = undefined;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
