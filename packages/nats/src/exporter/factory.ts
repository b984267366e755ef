import { defineExporter } from '@wasmpipe/core';
import { natsExporterConfig, validateNatsExporterConfig } from './config.ts';
import { NatsExporter } from './exporter.ts';

/** The `nats` exporter type: metrics and logs to a NATS JetStream subject, acknowledged per batch. */
export const natsExporter = defineExporter({
  type: 'nats',
  description:
    'Publishes metrics and logs to NATS JetStream (OTLP protobuf or plugin-contract msgpack), de-duplicated by batch.',
  signals: ['metrics', 'logs'],
  config: natsExporterConfig,
  validate: (config, context) => validateNatsExporterConfig(config, context),
  create: (config, context) => new NatsExporter(config, context),
});
