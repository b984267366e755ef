// The public entry of @wasmpipe/host-wapc: the `wasm` processor, the plugin host and the codec.

export {
  applyLogsAnswer,
  applyMetricsAnswer,
  type BatchCounts,
  createWireDecoder,
  createWireEncoder,
  decodeLogsBatch,
  decodeMetricsBatch,
  encodeLogsBatch,
  encodeMetricsBatch,
  isEmptyBatch,
  isWireBatch,
  logsBatchFromBytes,
  METRIC_TYPE_CODES,
  metricsBatchFromBytes,
  scanLogsBytes,
  scanMetricsBytes,
} from './codec/codec.ts';
export type { ProcessResult } from './codec/process-result.ts';
export { decodeProcessResult } from './codec/process-result.ts';
export { applyLogsSelection, applyMetricsSelection, countMetrics, selectionBitmap } from './codec/selection.ts';
export { applyLogsSelectionToBytes, applyMetricsSelectionToBytes } from './codec/selection-bytes.ts';
export * from './generated/host-calls.ts';
// The host runtime: isolation, limits, host functions, state.
export type { FailureKind, RestartReason } from './isolation/runner.ts';
export { failureKind } from './isolation/runner.ts';
export { CONTRACT_VERSION, isCompatibleContract, OLDEST_COMPATIBLE_CONTRACT } from './plugin/contract.ts';
export type { GuestOutputSource, HostCallHandler } from './plugin/contract-host.ts';
export type { HostServices } from './plugin/host-calls.ts';
export { createHostCallHandler } from './plugin/host-calls.ts';
export type { MemoryLimitResult } from './plugin/memory-limit.ts';
export { limitMemory, PAGE_BYTES } from './plugin/memory-limit.ts';
export { CUSTOM_METRIC_PREFIX, PluginMetrics } from './plugin/plugin-metrics.ts';
export type { PreparedPlugin, PrepareOptions } from './plugin/validate-module.ts';
export {
  checkModuleInterface,
  compilePlugin,
  DEFAULT_MAX_MEMORY_BYTES,
  formatPages,
  hasWasmMagic,
  preparePlugin,
  sha256Hex,
} from './plugin/validate-module.ts';
export type { PluginDescription, WapcPluginOptions } from './plugin/wapc-plugin.ts';
export { DEFAULT_TIMEOUT_MS, isPluginTrap, WapcPlugin } from './plugin/wapc-plugin.ts';
export { WASI_IMPORTS, WASI_MODULE } from './plugin/wasi.ts';
export type { WasmProcessorConfig } from './processor/config.ts';
export { validateWasmConfig, wasmConfigSchema, wasmConfigSchemaWith } from './processor/config.ts';
export type { WasmProcessorOptions } from './processor/definition.ts';
export { wasmProcessor, wasmProcessorWith } from './processor/definition.ts';
export type { PluginStateStore, StateBackend, StateConfig } from './state/state-backend.ts';
export { StateConfigSchema } from './state/state-backend.ts';
export type { StateStoreOptions } from './state/state-store.ts';
export { STATE_LIMITS, StateStore } from './state/state-store.ts';
