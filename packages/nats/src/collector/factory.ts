import { defineCollector } from '@wasmpipe/core';
import { NatsCollector } from './collector.ts';
import { natsCollectorConfig, validateNatsCollectorConfig } from './config.ts';

/** The `nats` collector type: a gateway's durable JetStream pull consumer, acknowledging after end-to-end delivery. */
export const natsCollector = defineCollector({
  type: 'nats',
  description:
    'Pulls batches from a NATS JetStream durable consumer shared by every gateway of the same name; acknowledges each message once every exporter delivered it.',
  signals: ['metrics', 'logs'],
  config: natsCollectorConfig,
  validate: validateNatsCollectorConfig,
  create: (config, context, next) => new NatsCollector(config, context, next),
});
