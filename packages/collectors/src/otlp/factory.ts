import { defineCollector } from '@wasmpipe/core';
import { otlpReceiverConfig, validateOtlpReceiverConfig } from './config.ts';
import { OtlpReceiver } from './receiver.ts';

/** The `otlp` collector type: an OTLP/HTTP and OTLP/gRPC receiver for metrics and logs. */
export const otlpReceiver = defineCollector({
  type: 'otlp',
  description: 'Receives metrics and logs over OTLP/HTTP (protobuf, JSON) and OTLP/gRPC, e.g. from OpenTelemetry SDKs.',
  signals: ['metrics', 'logs'],
  config: otlpReceiverConfig,
  validate: (config, context) => validateOtlpReceiverConfig(config, context.path),
  create: (config, context, next) => new OtlpReceiver(config, context, next),
});
