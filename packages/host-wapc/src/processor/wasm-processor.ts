// The running `wasm` processor: one guest call per batch, the failure policy (pass, drop or
// dead-letter), hot reload between batches, the plugin's host services, and its telemetry.

import {
  type BatchOf,
  type Consumer,
  carryAcknowledgements,
  countItems,
  errorMessage,
  type Processor,
  type ProcessorContext,
  permanentError,
  type Signal,
} from '@wasmpipe/core';
import { isEmptyBatch } from '../codec/codec.ts';
import { failureKind } from '../isolation/runner.ts';
import { createHostCallHandler } from '../plugin/host-calls.ts';
import { PluginMetrics } from '../plugin/plugin-metrics.ts';
import { sha256Hex } from '../plugin/validate-module.ts';
import type { WapcPlugin } from '../plugin/wapc-plugin.ts';
import { StateStore } from '../state/state-store.ts';
import type { WasmProcessorConfig } from './config.ts';
import { createInstruments, FailureLog } from './instruments.ts';
import { type LoadedPlugin, loadConfiguredPlugin, signalMismatch } from './load.ts';
import { PluginFileWatcher } from './reload.ts';
import { resolvePath } from './resolve-path.ts';

/** A loaded plugin and the calls running on it, so a swapped-out plugin closes when they end. */
interface Generation extends LoadedPlugin {
  digest: string;
  inFlight: number;
  retired: boolean;
}

const POLICY: Record<WasmProcessorConfig['on_error'], string> = {
  pass: 'pass through unchanged',
  drop: 'are dropped',
  dead_letter: 'go to the dead-letter exporter',
};

/** Loads, checks and configures the plugin, then returns the processor that runs it per batch. */
export async function createWasmProcessor(
  config: WasmProcessorConfig,
  context: ProcessorContext,
  next: Consumer,
): Promise<Processor> {
  const { signal, logger, telemetry, platform } = context;
  const path = resolvePath(context.configDirectory, config.path);
  const instruments = createInstruments(telemetry, signal);
  const failures = new FailureLog(logger, POLICY[config.on_error]);
  const deadLetter = await deadLetterConsumer(config, context);
  const state = await StateStore.open({
    platform,
    logger,
    ...(config.state?.path ? { path: resolvePath(context.configDirectory, config.state.path) } : {}),
  });
  const hostCall = createHostCallHandler({
    logger,
    metrics: new PluginMetrics(context.id, telemetry.meter),
    state,
  });

  const load = async (bytes: Uint8Array): Promise<Generation> => {
    const loaded = await loadConfiguredPlugin(bytes, config, {
      logger,
      hostCall,
      onRestart: () => instruments.restarts.add(1),
    });
    const mismatch = signalMismatch(loaded.description, signal);
    if (mismatch) {
      await loaded.plugin.close();
      throw permanentError(mismatch);
    }
    return { ...loaded, digest: await sha256Hex(bytes), inFlight: 0, retired: false };
  };

  let bytes: Uint8Array;
  try {
    bytes = await platform.readFile(path);
  } catch (error) {
    throw permanentError(`Cannot read the plugin of ${context.id} at ${path}: ${errorMessage(error)}`, error);
  }
  let current: Generation | undefined;
  try {
    current = await load(bytes);
  } catch (error) {
    throw permanentError(`The plugin of ${context.id} (${path}) cannot run: ${errorMessage(error)}`, error);
  }
  const { name, version } = current.description;
  logger.info('Plugin loaded.', { name, version, signal, sha256: current.digest, workers: config.workers });

  const retire = async (generation: Generation) => {
    generation.retired = true;
    if (generation.inFlight === 0) await generation.plugin.close();
  };

  const watcher = new PluginFileWatcher({
    path,
    platform,
    logger,
    digest: current.digest,
    intervalMs: config.reload ? config.reload_interval : undefined,
    async reload(bytes, digest) {
      let fresh: Generation;
      try {
        fresh = await load(bytes);
      } catch (error) {
        instruments.reloadFailures.add(1);
        logger.error('The changed plugin could not be loaded; the previous version keeps running.', {
          path,
          sha256: digest,
          error: errorMessage(error),
        });
        return false;
      }
      const previous = current;
      if (!previous) {
        await fresh.plugin.close();
        return false;
      }
      // Batches that started keep the plugin they started on; the next batch takes the new one.
      current = fresh;
      instruments.reloads.add(1);
      logger.info('Plugin reloaded.', {
        name: fresh.description.name,
        version: fresh.description.version,
        sha256: digest,
        previous: previous.digest,
      });
      await retire(previous);
      return true;
    },
  });
  const inFlight = new Set<Promise<unknown>>();

  const run = async <S extends Signal>(
    kind: S,
    batch: BatchOf[S],
    call: (plugin: WapcPlugin) => Promise<BatchOf[S]>,
  ): Promise<BatchOf[S] | undefined> => {
    const generation = current;
    if (!generation) throw permanentError(`The processor ${context.id} was shut down.`);
    // The runtime counts incoming and outgoing items around every processor; this counts the rest.
    const incoming = countItems(kind, batch);
    generation.inFlight++;
    instruments.calls.add(1);
    const started = performance.now();
    let result: BatchOf[S] | undefined;
    try {
      result = await call(generation.plugin);
      failures.succeeded();
    } catch (error) {
      const failure = failureKind(error) ?? 'guest_error';
      instruments.errors.add(1);
      if (failure === 'trap') instruments.traps.add(1);
      if (failure === 'timeout') instruments.timeouts.add(1);
      failures.failed(failure, errorMessage(error), incoming);
      // The batch is as it was: a failed call or a refused answer changes nothing.
      if (config.on_error === 'pass') return batch;
      if (config.on_error === 'drop') instruments.dropped.add(incoming);
      else {
        instruments.deadLettered.add(incoming);
        await handOver(deadLetter, kind, batch);
      }
      return undefined;
    } finally {
      instruments.duration.record(performance.now() - started);
      generation.inFlight--;
      if (generation.retired && generation.inFlight === 0) await generation.plugin.close();
    }
    instruments.dropped.add(incoming - countItems(kind, result));
    return isEmptyBatch(result) ? undefined : result;
  };
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    return promise.finally(() => inFlight.delete(promise));
  };

  return {
    start() {
      watcher.start();
    },
    async consumeMetrics(batch) {
      const result = await track(run('metrics', batch, (plugin) => plugin.processMetrics(batch)));
      if (result) await next.consumeMetrics?.(carryAcknowledgements(batch, result));
    },
    async consumeLogs(batch) {
      const result = await track(run('logs', batch, (plugin) => plugin.processLogs(batch)));
      if (result) await next.consumeLogs?.(carryAcknowledgements(batch, result));
    },
    async shutdown() {
      await watcher.stop();
      const last = current;
      current = undefined;
      await Promise.allSettled([...inFlight]);
      if (last) await retire(last);
      await state.flush();
    },
  };
}

async function deadLetterConsumer(
  config: WasmProcessorConfig,
  context: ProcessorContext,
): Promise<Consumer | undefined> {
  if (config.on_error !== 'dead_letter' || !config.dead_letter) return undefined;
  if (!context.exporter) {
    throw permanentError(
      `The processor ${context.id} sends failed batches to ${config.dead_letter}, but no exporters are available here.`,
    );
  }
  return context.exporter(config.dead_letter);
}

async function handOver<S extends Signal>(consumer: Consumer | undefined, kind: S, batch: BatchOf[S]): Promise<void> {
  if (kind === 'metrics') await consumer?.consumeMetrics?.(batch as BatchOf['metrics']);
  else await consumer?.consumeLogs?.(batch as BatchOf['logs']);
}
