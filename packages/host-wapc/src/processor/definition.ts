import { defineProcessor } from '@wasmpipe/core';
import { validateWasmConfig, wasmConfigSchema } from './config.ts';
import { createWasmProcessor } from './wasm-processor.ts';

/** The `wasm` processor type: runs a waPC WebAssembly plugin over each batch (`wasm/<name>` in YAML). */
export const wasmProcessor = defineProcessor({
  type: 'wasm',
  description: 'Runs a WebAssembly (waPC) plugin over each batch: filter, enrich, redact or transform.',
  signals: ['metrics', 'logs'],
  config: wasmConfigSchema,
  mutatesData: true,
  validate: validateWasmConfig,
  exporterReferences: (config) => (config.dead_letter ? [{ key: 'dead_letter', id: config.dead_letter }] : []),
  create: createWasmProcessor,
});
