// @wasmpipe/nats: wasmpipe on NATS JetStream. Exports are additive, one block per area.

// Connection options shared by every NATS component.
export type { NatsConnectionConfig } from './connection/config.ts';
export {
  natsConnectionConfig,
  natsConnectionShape,
  natsTlsConfig,
  resolvePath,
  validateNatsConnection,
} from './connection/config.ts';
export type { ConnectorContext } from './connection/connect.ts';
export { backoffDelay, connectionOptions, NatsConnector } from './connection/connect.ts';

// Stream management shared by every NATS component.
export type { StreamConfig } from './stream/config.ts';
export { streamConfig, validateStreamConfig } from './stream/config.ts';
export type { EnsureStreamResult } from './stream/ensure-stream.ts';
export { desiredStreamConfig, ensureStream, streamDifferences } from './stream/ensure-stream.ts';
