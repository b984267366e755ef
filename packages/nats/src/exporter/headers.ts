// The headers the nats exporter puts on every message, so a consumer (the nats collector) can
// decode a batch without guessing. Shared by the exporter and the collector.

/** Header names and values on every batch message. */
export const NATS_HEADERS = {
  /** JetStream's de-duplication id (the batch's content hash). */
  messageId: 'Nats-Msg-Id',
  /** `metrics` or `logs`. */
  signal: 'Wasmpipe-Signal',
  /** `otlp_proto` (an OTLP Export*ServiceRequest) or `contract` (the plugin contract's msgpack batch). */
  encoding: 'Wasmpipe-Encoding',
  /** The plugin contract version of a `contract` payload, e.g. `0.2.0`. */
  contractVersion: 'Wasmpipe-Contract-Version',
  /** Data points (metrics) or log records in the message, for counting without decoding. */
  items: 'Wasmpipe-Items',
} as const;

/** The payload encodings the exporter writes. */
export const NATS_ENCODINGS = ['otlp_proto', 'contract'] as const;

/** One of {@link NATS_ENCODINGS}. */
export type NatsEncoding = (typeof NATS_ENCODINGS)[number];
