// The `nats_kv` state backend, handed to host-wapc's `wasmProcessorWith({ stateBackends })`.
import type { StateBackend } from '@wasmpipe/host-wapc';
import { type NatsKvStateConfig, natsKvStateConfig, validateNatsKvStateConfig } from './config.ts';
import { NatsKvStateStore } from './kv-state-store.ts';

/** `state: { backend: nats_kv, bucket: ..., servers: [...] }`: plugin state in a JetStream KV bucket. */
export const natsKvStateBackend: StateBackend<NatsKvStateConfig> = {
  name: 'nats_kv',
  config: natsKvStateConfig,
  validate: validateNatsKvStateConfig,
  open: (options, context) => NatsKvStateStore.open(options, context),
};
