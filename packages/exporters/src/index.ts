// The public entry of @wasmpipe/exporters: exporter types, and the OTLP encoders they are built on.

export type { DebugConfig } from './debug/config.ts';
export type { LineWriter } from './debug/exporter.ts';
export { debugExporter, defineDebugExporter } from './debug/factory.ts';
export { encodeLogsRequest } from './otlp/encode-logs.ts';
export { encodeMetricsRequest } from './otlp/encode-metrics.ts';
export type { OtlpJson } from './otlp/otlp-json.ts';
export { logsToOtlpJson, metricsToOtlpJson } from './otlp/otlp-json.ts';
export { anyValueFromJson, logsFromOtlpJson, metricsFromOtlpJson } from './otlp/otlp-json-decode.ts';
export type { PartialSuccess } from './otlp/protobuf-reader.ts';
export { readPartialSuccess } from './otlp/protobuf-reader.ts';
export type { OtlpHttpConfig } from './otlp-http/config.ts';
export { otlpHttpExporter } from './otlp-http/factory.ts';
