// Creates the durable pull consumer every gateway of the same name shares, or brings an existing
// one to the configured flow-control settings. JetStream's own max_deliver stays unlimited: the
// collector counts deliveries itself and sends a message to the dead-letter subject on its last
// one, so no message is silently parked by the server after max_deliver (a message that kills
// every gateway that takes it is quarantined the same way).
import { AckPolicy, type ConsumerConfig, DeliverPolicy, type JetStreamManager, ReplayPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { errorMessage, type Logger, WasmpipeError } from '@wasmpipe/core';
import type { NatsCollectorConfig } from './config.ts';

/** The consumer config wasmpipe asks JetStream for. */
export function desiredConsumerConfig(config: NatsCollectorConfig): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: config.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ack_wait: nanos(config.ack_wait),
    max_ack_pending: config.max_ack_pending,
    max_deliver: -1,
    ...(config.filter_subject ? { filter_subject: config.filter_subject } : {}),
  };
}

/** Creates the consumer, or updates the settings that differ; says what it did. */
export async function ensureConsumer(
  manager: JetStreamManager,
  config: NatsCollectorConfig,
  logger: Logger,
): Promise<'created' | 'verified' | 'updated'> {
  const stream = config.stream.name;
  const wanted = desiredConsumerConfig(config);
  let existing: ConsumerConfig | undefined;
  try {
    existing = (await manager.consumers.info(stream, config.durable)).config;
  } catch {
    existing = undefined;
  }
  if (existing === undefined) {
    try {
      await manager.consumers.add(stream, wanted);
      logger.info('Created the durable JetStream consumer.', { stream, durable: config.durable });
      return 'created';
    } catch (error) {
      // Another gateway may have created it at the same moment: look again before giving up.
      try {
        existing = (await manager.consumers.info(stream, config.durable)).config;
      } catch {
        throw new WasmpipeError(
          `Cannot create JetStream consumer ${config.durable} on stream ${stream}: ${errorMessage(error)}`,
          { retryable: true, cause: error },
        );
      }
    }
  }
  const differences = (['ack_wait', 'max_ack_pending', 'max_deliver', 'filter_subject'] as const).filter(
    (key) => (wanted[key] ?? '') !== (existing?.[key] ?? '') && !(key === 'filter_subject' && !wanted[key]),
  );
  if (differences.length === 0) return 'verified';
  try {
    await manager.consumers.update(stream, config.durable, {
      ack_wait: wanted.ack_wait,
      max_ack_pending: wanted.max_ack_pending,
      max_deliver: wanted.max_deliver,
      ...(wanted.filter_subject ? { filter_subject: wanted.filter_subject } : {}),
    });
    logger.info('Updated the durable JetStream consumer to the configured settings.', {
      stream,
      durable: config.durable,
      changes: differences.join(','),
    });
    return 'updated';
  } catch (error) {
    throw new WasmpipeError(
      `JetStream consumer ${config.durable} on stream ${stream} differs from the config (${differences.join(', ')}) and JetStream refused the update: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}
