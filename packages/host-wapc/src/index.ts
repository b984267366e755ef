// The public entry of @wasmpipe/host-wapc: the `wasm` processor, the plugin host and the codec.

export {
  createWireDecoder,
  createWireEncoder,
  decodeLogsBatch,
  decodeMetricsBatch,
  encodeLogsBatch,
  encodeMetricsBatch,
} from './codec/codec.ts';
export { logsBatchFromWire, logsBatchToWire } from './codec/logs-wire.ts';
export { METRIC_TYPE_CODES, metricsBatchFromWire, metricsBatchToWire } from './codec/metrics-wire.ts';
export type { ProcessResult } from './codec/process-result.ts';
export { decodeProcessResult } from './codec/process-result.ts';
export { applyLogsSelection, applyMetricsSelection, countMetrics, selectionBitmap } from './codec/selection.ts';
export { CONTRACT_VERSION, isCompatibleContract } from './plugin/contract.ts';
export { checkModuleInterface, compilePlugin, hasWasmMagic, sha256Hex } from './plugin/validate-module.ts';
export type { PluginDescription, WapcPluginOptions } from './plugin/wapc-plugin.ts';
export { isPluginTrap, WapcPlugin } from './plugin/wapc-plugin.ts';
export type { WasmProcessorConfig } from './processor/config.ts';
export { validateWasmConfig, wasmConfigSchema } from './processor/config.ts';
export { wasmProcessor } from './processor/definition.ts';
