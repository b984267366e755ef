import { defineExporter } from '@wasmpipe/core';
import { otlpHttpConfig, validateOtlpHttpConfig } from './config.ts';
import { OtlpHttpExporter } from './exporter.ts';

/** The `otlp_http` exporter type: metrics and logs to an OTLP/HTTP receiver, protobuf-encoded. */
export const otlpHttpExporter = defineExporter({
  type: 'otlp_http',
  description: 'Sends metrics and logs to an OTLP/HTTP receiver (protobuf, optionally gzipped).',
  signals: ['metrics', 'logs'],
  config: otlpHttpConfig,
  validate: (config, context) => validateOtlpHttpConfig(config, context.path),
  create: (config, context) => new OtlpHttpExporter(config, context),
});
