// One loaded waPC plugin: describe, configure, and one guest call per batch, run in this thread or
// in workers. Selections are applied to the tree or the bytes the host holds; replacement batches
// are checked and kept as bytes until something reads them (see codec/wire-batch.ts). An answer
// that breaks the contract is an `invalid_output` failure and leaves the batch as it was.

import {
  errorMessage,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
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
import { InThreadRunner } from '../isolation/in-thread-runner.ts';
import { type GuestRunner, pluginFailure, type RestartReason } from '../isolation/runner.ts';
import { WorkerPool } from '../isolation/worker-pool.ts';
import type { GuestOutputSource, HostCallHandler } from './contract-host.ts';
import { createHostCallHandler } from './host-calls.ts';
import type { MemoryLimitResult } from './memory-limit.ts';
import { type PrepareOptions, preparePlugin } from './validate-module.ts';

export { isPluginTrap } from '../isolation/runner.ts';

/** What a plugin says about itself (contract type Description). */
export interface PluginDescription {
  name: string;
  version: string;
  contractVersion: string;
  signals: Signal[];
}

/** Options for {@link WapcPlugin.load}. */
export interface WapcPluginOptions extends PrepareOptions {
  /** 0 (the default here): run in this thread. N >= 1: run in N worker threads. */
  workers?: number;
  /** With workers: how long one call may run before its worker is terminated (default 1000 ms). */
  timeoutMs?: number;
  /** Receives console and WASI output (debug), and the `log` host calls unless `hostCall` is given. */
  logger?: Logger;
  /** Answers host calls; defaults to `log` and `clock` only (no metrics, no state store). */
  hostCall?: HostCallHandler;
  /** `real` lets WASI `clock_time_get` read the host clock; `zero` (default) answers 0. */
  clock?: 'real' | 'zero';
  /** Called when a fresh instance replaces one that trapped or timed out. */
  onRestart?(reason: RestartReason): void;
}

/** The default `timeout` of a call in a worker. */
export const DEFAULT_TIMEOUT_MS = 1000;

/** A waPC plugin loaded from bytes, checked against the contract before it runs. */
export class WapcPlugin {
  readonly #runner: GuestRunner;
  readonly #memory: MemoryLimitResult;
  readonly #encoder = createWireEncoder();
  readonly #decoder = createWireDecoder();

  private constructor(runner: GuestRunner, memory: MemoryLimitResult) {
    this.#runner = runner;
    this.#memory = memory;
  }

  /** Validates (magic bytes, sha256 pin, memory ceiling, imports, exports) and starts a module. */
  static async load(bytes: Uint8Array, options: WapcPluginOptions = {}): Promise<WapcPlugin> {
    const prepared = await preparePlugin(bytes, options);
    const logger = options.logger ?? silentLogger;
    const runnerOptions = {
      hostCall: options.hostCall ?? createHostCallHandler({ logger }),
      output: (source: GuestOutputSource, text: string) => writeOutput(logger, source, text),
      clock: options.clock ?? 'zero',
      ...(options.onRestart ? { onRestart: options.onRestart } : {}),
    };
    const workers = options.workers ?? 0;
    const runner =
      workers > 0
        ? await WorkerPool.start(prepared.bytes, {
            ...runnerOptions,
            workers,
            timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          })
        : await InThreadRunner.start(prepared.module, runnerOptions);
    return new WapcPlugin(runner, prepared.memory);
  }

  /** The module's declared memory and the ceiling it now runs under. */
  get memory(): MemoryLimitResult {
    return this.#memory;
  }

  /** Asks the plugin who it is and which signals it handles. */
  async describe(): Promise<PluginDescription> {
    const bytes = await this.#runner.call('describe', new Uint8Array(0));
    let answer: unknown;
    try {
      answer = this.#decoder.decode(bytes);
    } catch (error) {
      throw pluginFailure(
        'invalid_output',
        `The plugin answered describe with bytes that are not msgpack: ${errorMessage(error)}.`,
      );
    }
    const { name, version, contractVersion, signals } = (answer ?? {}) as Record<string, unknown>;
    const validSignals = Array.isArray(signals) && signals.every((signal) => signal === 'metrics' || signal === 'logs');
    if (
      typeof name !== 'string' ||
      typeof version !== 'string' ||
      typeof contractVersion !== 'string' ||
      !validSignals
    ) {
      throw pluginFailure(
        'invalid_output',
        'The plugin answered describe without name, version, contractVersion and signals.',
      );
    }
    return { name, version, contractVersion, signals: signals as Signal[] };
  }

  /** Hands the plugin its config (any value from YAML, msgpack-encoded); rejects with the plugin's error. */
  async configure(config: unknown): Promise<void> {
    await this.#runner.configure(this.#encoder.encode(config ?? null));
  }

  /**
   * Runs one metrics batch through the plugin. The result may hold the batch as bytes only (a
   * wire batch): the next plugin takes them as they are, and the tree is decoded when read.
   */
  async processMetrics(batch: MetricsBatch): Promise<MetricsBatch> {
    const input = encodeMetricsBatch(batch);
    const answer = await this.#runner.call('process_metrics', input);
    try {
      return applyMetricsAnswer(batch, input, answer);
    } catch (error) {
      throw invalidAnswer('process_metrics', error);
    }
  }

  /** Runs one logs batch through the plugin (see {@link processMetrics}). */
  async processLogs(batch: LogsBatch): Promise<LogsBatch> {
    const input = encodeLogsBatch(batch);
    const answer = await this.#runner.call('process_logs', input);
    try {
      return applyLogsAnswer(batch, input, answer);
    } catch (error) {
      throw invalidAnswer('process_logs', error);
    }
  }

  /** Calls any guest operation with raw bytes (for tools such as `plugin inspect`, and tests). */
  call(operation: string, payload: Uint8Array): Promise<Uint8Array> {
    return this.#runner.call(operation, payload);
  }

  /** Stops the plugin's instances (terminates its workers). Idempotent. */
  close(): Promise<void> {
    return this.#runner.close();
  }
}

function invalidAnswer(operation: string, error: unknown): Error {
  return pluginFailure(
    'invalid_output',
    `The plugin's answer to ${operation} breaks the contract: ${errorMessage(error)}`,
    error,
  );
}

function writeOutput(logger: Logger, source: GuestOutputSource, text: string): void {
  if (source === 'stderr') logger.warn('Plugin output.', { stream: source, output: text });
  else logger.debug('Plugin output.', { stream: source, output: text });
}
