import { defineExporter } from '@wasmpipe/core';
import { otlpGrpcConfig, validateOtlpGrpcConfig } from './config.ts';
import { OtlpGrpcExporter } from './exporter.ts';

/** The `otlp_grpc` exporter type: metrics and logs to an OTLP/gRPC receiver. */
export const otlpGrpcExporter = defineExporter({
  type: 'otlp_grpc',
  description: 'Sends metrics and logs to an OTLP/gRPC receiver (gzip, TLS, metadata headers).',
  signals: ['metrics', 'logs'],
  config: otlpGrpcConfig,
  validate: validateOtlpGrpcConfig,
  create: (config, context) => new OtlpGrpcExporter(config, context),
});
