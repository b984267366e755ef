import { defineProcessor } from '@wasmpipe/core';
import type { StateBackend } from '../state/state-backend.ts';
import { validateWasmConfig, wasmConfigSchemaWith } from './config.ts';
import { createWasmProcessor } from './wasm-processor.ts';

/** Options of {@link wasmProcessorWith}. */
export interface WasmProcessorOptions {
  /** State backends `state.backend` may name besides the built-in `file` (e.g. @wasmpipe/nats's `nats_kv`). */
  stateBackends?: readonly StateBackend[];
}

/** The `wasm` processor type, with these state backends available to `state.backend`. */
export function wasmProcessorWith(options: WasmProcessorOptions = {}) {
  const backends = options.stateBackends ?? [];
  return defineProcessor({
    type: 'wasm',
    description: 'Runs a WebAssembly (waPC) plugin over each batch: filter, enrich, redact or transform.',
    signals: ['metrics', 'logs'],
    config: wasmConfigSchemaWith(backends),
    mutatesData: true,
    validate: (config, context) => validateWasmConfig(config, context, backends),
    exporterReferences: (config) => (config.dead_letter ? [{ key: 'dead_letter', id: config.dead_letter }] : []),
    create: (config, context, next) => createWasmProcessor(config, context, next, backends),
  });
}

/** The `wasm` processor type: runs a waPC WebAssembly plugin over each batch (`wasm/<name>` in YAML). */
export const wasmProcessor = wasmProcessorWith();
