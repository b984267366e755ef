// @wasmpipe/nats: wasmpipe on NATS JetStream. Exports are additive, one block per area.

export { DEAD_LETTER_HEADERS, NatsCollector } from './collector/collector.ts';
// The nats collector (a gateway's durable pull consumer).
export type { NatsCollectorConfig } from './collector/config.ts';
export { natsCollectorConfig, validateNatsCollectorConfig } from './collector/config.ts';
export type { DecodedMessage } from './collector/decode-message.ts';
export { decodeMessage } from './collector/decode-message.ts';
export { natsCollector } from './collector/factory.ts';
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
// The nats exporter.
export type { NatsExporterConfig } from './exporter/config.ts';
export { natsExporterConfig, validateNatsExporterConfig } from './exporter/config.ts';
export type { NatsMessage } from './exporter/exporter.ts';
export { messageId, NatsExporter } from './exporter/exporter.ts';
export { natsExporter } from './exporter/factory.ts';
export type { NatsEncoding } from './exporter/headers.ts';
export { NATS_ENCODINGS, NATS_HEADERS } from './exporter/headers.ts';
export type { SubjectTemplate } from './exporter/subject.ts';
export { parseSubjectTemplate, subjectMatches, subjectToken } from './exporter/subject.ts';
// Stream management shared by every NATS component.
export type { StreamConfig } from './stream/config.ts';
export { streamConfig, validateStreamConfig } from './stream/config.ts';
export type { EnsureStreamResult } from './stream/ensure-stream.ts';
export { desiredStreamConfig, ensureStream, streamDifferences } from './stream/ensure-stream.ts';
