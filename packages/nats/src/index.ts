// @wasmpipe/nats: wasmpipe on NATS JetStream. Exports are additive, one line per component or helper.
export {};
