// The running `wasm` processor: one guest call per batch, the failure policy, and its telemetry.

import {
  type BatchOf,
  type Consumer,
  countItems,
  errorMessage,
  type Processor,
  type ProcessorContext,
  permanentError,
  type Signal,
  StateChangeLog,
} from '@wasmpipe/core';
import { isEmptyBatch } from '../codec/codec.ts';
import { CONTRACT_VERSION, isCompatibleContract } from '../plugin/contract.ts';
import { isPluginTrap, WapcPlugin } from '../plugin/wapc-plugin.ts';
import type { WasmProcessorConfig } from './config.ts';
import { resolvePath } from './resolve-path.ts';

/** Loads, checks and configures the plugin, then returns the processor that runs it per batch. */
export async function createWasmProcessor(
  config: WasmProcessorConfig,
  context: ProcessorContext,
  next: Consumer,
): Promise<Processor> {
  const path = resolvePath(context.configDirectory, config.path);
  const logger = context.logger.child({ plugin: path });
  let bytes: Uint8Array;
  try {
    bytes = await context.platform.readFile(path);
  } catch (error) {
    throw permanentError(`Cannot read the plugin of ${context.id} at ${path}: ${errorMessage(error)}`, error);
  }
  let plugin: WapcPlugin | undefined = await WapcPlugin.load(
    bytes,
    config.sha256 ? { sha256: config.sha256, logger } : { logger },
  );
  const description = await plugin.describe();
  if (!isCompatibleContract(description.contractVersion)) {
    throw permanentError(
      `The plugin ${description.name} of ${context.id} was built for contract ${description.contractVersion}; this host speaks ${CONTRACT_VERSION}.`,
    );
  }
  if (!description.signals.includes(context.signal)) {
    throw permanentError(
      `The plugin ${description.name} of ${context.id} handles ${description.signals.join(', ') || 'no signals'}, not ${context.signal}.`,
    );
  }
  await plugin.configure(config.config);
  logger.info('Plugin loaded.', { name: description.name, version: description.version, signal: context.signal });

  const { telemetry } = context;
  const signal = context.signal;
  const instruments = {
    calls: telemetry.counter('wasmpipe.plugin.calls', signal),
    errors: telemetry.counter('wasmpipe.plugin.errors', signal),
    traps: telemetry.counter('wasmpipe.plugin.traps', signal),
    duration: telemetry.histogram('wasmpipe.plugin.duration', 'ms', signal),
    dropped: telemetry.counter('wasmpipe.processor.dropped', signal),
  };
  const health = new StateChangeLog(logger);
  const policy = config.on_error === 'drop' ? 'are dropped' : 'pass through unchanged';

  // The batch is untouched when the call fails: selections are applied only after a valid answer.
  const run = async <S extends Signal>(
    kind: S,
    batch: BatchOf[S],
    call: (active: WapcPlugin) => Promise<BatchOf[S]>,
  ) => {
    if (!plugin) throw permanentError(`The processor ${context.id} was shut down.`);
    // The runtime counts incoming and outgoing items around every processor; this counts drops.
    const incoming = countItems(kind, batch);
    instruments.calls.add(1);
    const started = performance.now();
    let result: BatchOf[S] | undefined;
    try {
      result = await call(plugin);
      health.succeeded('The plugin recovered; batches go through it again.');
    } catch (error) {
      instruments.errors.add(1);
      if (isPluginTrap(error)) instruments.traps.add(1);
      health.failed(`The plugin failed; batches ${policy} until it recovers.`, { error: errorMessage(error) });
      result = config.on_error === 'drop' ? undefined : batch;
    } finally {
      instruments.duration.record(performance.now() - started);
    }
    const outgoing = result ? countItems(kind, result) : 0;
    instruments.dropped.add(incoming - outgoing);
    if (!result || isEmpty(result)) return undefined;
    return result;
  };

  return {
    async consumeMetrics(batch) {
      const result = await run('metrics', batch, (active) => active.processMetrics(batch));
      if (result) await next.consumeMetrics?.(result);
    },
    async consumeLogs(batch) {
      const result = await run('logs', batch, (active) => active.processLogs(batch));
      if (result) await next.consumeLogs?.(result);
    },
    shutdown() {
      plugin = undefined;
    },
  };
}

function isEmpty(batch: BatchOf[Signal]): boolean {
  return isEmptyBatch(batch);
}
