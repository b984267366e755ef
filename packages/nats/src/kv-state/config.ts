// Options of the `nats_kv` plugin state backend (`state: { backend: nats_kv, ... }` of a `wasm`
// processor): the NATS connection options plus the bucket.
import { type Infer, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { natsConnectionShape, validateNatsConnection } from '../connection/config.ts';

/** The schema of the `nats_kv` backend's options (every `state` key but `backend`). */
export const natsKvStateConfig = s.object({
  ...natsConnectionShape,
  bucket: s
    .string({ pattern: /^[-\w]+$/, patternHint: 'letters, digits, - and _' })
    .optional()
    .describe('The JetStream KV bucket; wasmpipe_state_<processor id> by default. Gateways sharing it share state.'),
  storage: s.enum(['file', 'memory']).default('file').describe('Storage of the bucket when it is created.'),
  replicas: s.integer({ min: 1, max: 5 }).default(1).describe('Replicas of the bucket when it is created.'),
  sync_timeout: s
    .duration({ min: 1 })
    .default('10s')
    .describe("How long start waits for the bucket's contents before going on without them."),
  write_timeout: s.duration({ min: 1 }).default('5s').describe('How long one put waits for its acknowledgement.'),
});

/** The checked options of a `nats_kv` state store. */
export type NatsKvStateConfig = Infer<typeof natsKvStateConfig>;

/** Checks the connection options (authentication, servers, files). */
export function validateNatsKvStateConfig(config: NatsKvStateConfig, context: ValidateContext): Promise<Problem[]> {
  return validateNatsConnection(config, context);
}

/** The bucket a processor uses when `bucket` is not set: `wasm/redact` -> `wasmpipe_state_wasm_redact`. */
export function defaultBucket(componentId: string): string {
  return `wasmpipe_state_${componentId.replace(/[^-\w]/g, '_')}`;
}
