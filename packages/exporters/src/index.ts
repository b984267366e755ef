// The public entry of @wasmpipe/exporters: exporter types, and the OTLP encoders they are built on.

export type { DebugConfig } from './debug/config.ts';
export type { LineWriter } from './debug/exporter.ts';
export { debugExporter, defineDebugExporter } from './debug/factory.ts';
export type { FileConfig } from './file/config.ts';
export { fileExporter } from './file/factory.ts';
export type { DecodedLogs } from './otlp/decode-logs.ts';
export { decodeLogsRequest } from './otlp/decode-logs.ts';
export type { DecodedMetrics } from './otlp/decode-metrics.ts';
export { decodeMetricsRequest } from './otlp/decode-metrics.ts';
export { encodeLogsRequest } from './otlp/encode-logs.ts';
export { encodeMetricsRequest } from './otlp/encode-metrics.ts';
export type { DecodedStatus } from './otlp/export-status.ts';
export {
  decodeStatus,
  encodeExportResponse,
  encodeStatus,
  exportResponseJson,
  GrpcCode,
  statusJson,
} from './otlp/export-status.ts';
export type { OtlpJson } from './otlp/otlp-json.ts';
export { logsToOtlpJson, metricsToOtlpJson } from './otlp/otlp-json.ts';
export { parseLogsJson, parseMetricsJson } from './otlp/parse-otlp-json.ts';
export { OtlpDecodeError } from './otlp/protobuf-decoder.ts';
export type { PartialSuccess } from './otlp/protobuf-reader.ts';
export { readPartialSuccess } from './otlp/protobuf-reader.ts';
export { Rejections } from './otlp/rejections.ts';
export type { OtlpGrpcConfig } from './otlp-grpc/config.ts';
export { otlpGrpcExporter } from './otlp-grpc/factory.ts';
export type { ExportMethod } from './otlp-grpc/service.ts';
export { OTLP_GRPC_PATHS, otlpServiceDefinition } from './otlp-grpc/service.ts';
export type { OtlpHttpConfig, TlsConfig } from './otlp-http/config.ts';
export { otlpHttpExporter } from './otlp-http/factory.ts';
export type { SignalSettings, TlsSettings } from './otlp-http/settings.ts';
export { resolveSettings as resolveOtlpHttpSettings } from './otlp-http/settings.ts';
export type { PrometheusConfig } from './prometheus/config.ts';
export { PrometheusExporter } from './prometheus/exporter.ts';
export { prometheusExporter } from './prometheus/factory.ts';
export { prometheusLabelName, prometheusMetricName } from './prometheus/translate.ts';
export type { ListenAddress } from './shared/listen-endpoint.ts';
export { listenEndpoint, parseListenEndpoint } from './shared/listen-endpoint.ts';
export type { TlsClientConfig, TlsMaterial } from './shared/tls-config.ts';
export { loadTlsMaterial, tlsClientConfig, validateTlsClientConfig } from './shared/tls-config.ts';
