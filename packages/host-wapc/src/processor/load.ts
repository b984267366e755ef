// Loading a plugin the way the processor runs it: validate and start the module with the
// config's limits, ask describe, check the contract version, and configure it. Used at start, by
// `validate`, and for every hot reload (beside the running plugin).

import { errorMessage, permanentError, type Signal } from '@wasmpipe/core';
import type { RestartReason } from '../isolation/runner.ts';
import { CONTRACT_VERSION, isCompatibleContract, OLDEST_COMPATIBLE_CONTRACT } from '../plugin/contract.ts';
import type { GuestOutputSource, HostCallHandler } from '../plugin/contract-host.ts';
import { refusalStage } from '../plugin/validate-module.ts';
import { type PluginDescription, WapcPlugin } from '../plugin/wapc-plugin.ts';
import type { WasmProcessorConfig } from './config.ts';

/** The call time limit when the config does not say. */
export const DEFAULT_TIMEOUT = '1s';

/** The call time limit in milliseconds (the default when unset). */
export function timeoutOf(config: { timeout?: number | undefined }): number {
  return config.timeout ?? 1000;
}

/** Which step of loading failed; `validate` reports it at the matching config key. */
export type LoadStage = 'sha256' | 'memory' | 'module' | 'start' | 'describe' | 'contract' | 'configure';

/** A started, described and configured plugin. */
export interface LoadedPlugin {
  plugin: WapcPlugin;
  description: PluginDescription;
}

/** What the processor adds when it loads a plugin to run it. */
export interface LoadOptions {
  /** Overrides `config.workers` (validate checks with at most one). */
  workers?: number;
  logger?: import('@wasmpipe/core').Logger;
  hostCall?: HostCallHandler;
  output?(source: GuestOutputSource, text: string): void;
  onRestart?(reason: RestartReason): void;
}

/** The load stage of an error from {@link loadConfiguredPlugin}. */
export function loadStage(error: unknown): LoadStage | undefined {
  return typeof error === 'object' && error !== null ? (error as { loadStage?: LoadStage }).loadStage : undefined;
}

function failed(stage: LoadStage, message: string, cause?: unknown): Error {
  return Object.assign(permanentError(message, cause), { loadStage: stage });
}

/** Loads, describes, checks and configures a plugin; on any failure nothing is left running. */
export async function loadConfiguredPlugin(
  bytes: Uint8Array,
  config: WasmProcessorConfig,
  options: LoadOptions = {},
): Promise<LoadedPlugin> {
  let plugin: WapcPlugin;
  try {
    plugin = await WapcPlugin.load(bytes, {
      maxMemoryBytes: config.max_memory,
      workers: options.workers ?? config.workers,
      timeoutMs: timeoutOf(config),
      clock: config.wasi_clock,
      ...(config.sha256 ? { sha256: config.sha256 } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.hostCall ? { hostCall: options.hostCall } : {}),
      ...(options.onRestart ? { onRestart: options.onRestart } : {}),
    });
  } catch (error) {
    throw failed(refusalStage(error) ?? 'start', errorMessage(error), error);
  }
  try {
    let description: PluginDescription;
    try {
      description = await plugin.describe();
    } catch (error) {
      throw failed('describe', errorMessage(error), error);
    }
    const mismatch = contractMismatch(description);
    if (mismatch) throw failed('contract', mismatch);
    try {
      await plugin.configure(config.config);
    } catch (error) {
      throw failed('configure', `The plugin rejected its config: ${errorMessage(error)}`, error);
    }
    return { plugin, description };
  } catch (error) {
    await plugin.close();
    throw error;
  }
}

/** A message when the plugin was built for a contract this host does not run. */
export function contractMismatch(description: PluginDescription): string | undefined {
  if (isCompatibleContract(description.contractVersion)) return undefined;
  return (
    `The plugin ${description.name} ${description.version} was built for contract ${description.contractVersion}; ` +
    `this host speaks contract ${CONTRACT_VERSION} and runs plugins built for ${OLDEST_COMPATIBLE_CONTRACT} to ${CONTRACT_VERSION}.`
  );
}

/** A message when the plugin does not handle the pipeline's signal. */
export function signalMismatch(description: PluginDescription, signal: Signal): string | undefined {
  if (description.signals.includes(signal)) return undefined;
  return `The plugin ${description.name} handles ${description.signals.join(', ') || 'no signals'}, not ${signal}.`;
}
