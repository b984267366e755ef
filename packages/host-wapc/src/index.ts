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
export { CONTRACT_VERSION, isCompatibleContract, OLDEST_COMPATIBLE_CONTRACT } from './plugin/contract.ts';
export { checkModuleInterface, compilePlugin, hasWasmMagic, sha256Hex } from './plugin/validate-module.ts';
export type { PluginDescription, WapcPluginOptions } from './plugin/wapc-plugin.ts';
export { isPluginTrap, WapcPlugin } from './plugin/wapc-plugin.ts';
export type { WasmProcessorConfig } from './processor/config.ts';
export { validateWasmConfig, wasmConfigSchema } from './processor/config.ts';
export { wasmProcessor } from './processor/definition.ts';
