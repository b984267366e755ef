// The public entry of @wasmpipe/exporters: exporter types, and the OTLP encoders they are built on.

export type { DebugConfig } from './debug/config.ts';
export type { LineWriter } from './debug/exporter.ts';
export { debugExporter, defineDebugExporter } from './debug/factory.ts';
export type { FileConfig } from './file/config.ts';
export { fileExporter } from './file/factory.ts';
export { encodeLogsRequest } from './otlp/encode-logs.ts';
export { encodeMetricsRequest } from './otlp/encode-metrics.ts';
export type { OtlpJson } from './otlp/otlp-json.ts';
export { logsToOtlpJson, metricsToOtlpJson } from './otlp/otlp-json.ts';
export { anyValueFromJson, logsFromOtlpJson, metricsFromOtlpJson } from './otlp/otlp-json-decode.ts';
export type { PartialSuccess } from './otlp/protobuf-reader.ts';
export { readPartialSuccess } from './otlp/protobuf-reader.ts';
export type { OtlpHttpConfig, TlsConfig } from './otlp-http/config.ts';
export { otlpHttpExporter } from './otlp-http/factory.ts';
export type { SignalSettings, TlsSettings } from './otlp-http/settings.ts';
export { resolveSettings as resolveOtlpHttpSettings } from './otlp-http/settings.ts';
