// Creates or verifies the JetStream stream a NATS component uses. With `manage: true` a missing
// stream is created with the configured limits and an existing one whose limits differ is updated
// where JetStream allows it; what JetStream cannot change (storage) is refused with an error that
// says what differs. With `manage: false` the stream is only looked up, never changed.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig as JetStreamStreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { errorMessage, type Logger, WasmpipeError } from '@wasmpipe/core';
import type { StreamConfig } from './config.ts';

/** What `ensureStream` did. */
export interface EnsureStreamResult {
  readonly action: 'created' | 'verified' | 'updated' | 'used';
  /** The differences updated (`updated`) or, with `manage: false`, merely noticed. */
  readonly differences: readonly string[];
  readonly info: StreamInfo;
}

/** The stream config wasmpipe asks JetStream for. */
export function desiredStreamConfig(config: StreamConfig): Partial<JetStreamStreamConfig> & { name: string } {
  return {
    name: config.name,
    subjects: [...config.subjects],
    storage: config.storage,
    num_replicas: config.replicas,
    max_age: nanos(config.max_age),
    max_bytes: config.max_bytes,
    max_msgs: config.max_msgs,
    duplicate_window: nanos(config.duplicate_window),
  };
}

/** Each limit that differs between the wanted and the existing stream, as `name: existing -> wanted`. */
export function streamDifferences(
  wanted: Partial<JetStreamStreamConfig>,
  existing: JetStreamStreamConfig,
): { updatable: string[]; fixed: string[] } {
  const updatable: string[] = [];
  const fixed: string[] = [];
  const show = (key: string, value: unknown) =>
    key === 'max_age' || key === 'duplicate_window' ? `${Number(value) / 1e6}ms` : JSON.stringify(value);
  for (const key of [
    'subjects',
    'storage',
    'num_replicas',
    'max_age',
    'max_bytes',
    'max_msgs',
    'duplicate_window',
  ] as const) {
    const want = wanted[key];
    const have = existing[key];
    const same =
      key === 'subjects'
        ? JSON.stringify([...((want as string[]) ?? [])].sort()) ===
          JSON.stringify([...((have as string[]) ?? [])].sort())
        : Number(want) === Number(have) || want === have;
    if (same) continue;
    const line = `${key}: ${show(key, have)} -> ${show(key, want)}`;
    (key === 'storage' ? fixed : updatable).push(line);
  }
  return { updatable, fixed };
}

/** Creates, updates or looks up the stream, as the config says. Throws a `WasmpipeError` that says what is wrong. */
export async function ensureStream(
  manager: JetStreamManager,
  config: StreamConfig,
  logger: Logger,
): Promise<EnsureStreamResult> {
  const wanted = desiredStreamConfig(config);
  let existing: StreamInfo | undefined;
  try {
    existing = await manager.streams.info(config.name);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
      throw new WasmpipeError(`Cannot look up JetStream stream ${config.name}: ${errorMessage(error)}`, {
        retryable: true,
        cause: error,
      });
  }
  if (existing === undefined) {
    if (!config.manage)
      throw new WasmpipeError(
        `JetStream stream ${config.name} does not exist and stream.manage is false: create it (e.g. nats stream add ${config.name}) or set stream.manage: true.`,
      );
    try {
      const info = await manager.streams.add(wanted);
      logger.info('Created the JetStream stream.', { stream: config.name, subjects: config.subjects.join(',') });
      return { action: 'created', differences: [], info };
    } catch (error) {
      throw new WasmpipeError(`Cannot create JetStream stream ${config.name}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
  const { updatable, fixed } = streamDifferences(wanted, existing.config);
  if (!config.manage) return { action: 'used', differences: [...updatable, ...fixed], info: existing };
  if (fixed.length > 0)
    throw new WasmpipeError(
      `JetStream stream ${config.name} exists with settings JetStream cannot change (${fixed.join('; ')}): ` +
        'change the config to match, delete the stream, or set stream.manage: false to use it as it is.',
    );
  if (updatable.length === 0) return { action: 'verified', differences: [], info: existing };
  try {
    const info = await manager.streams.update(config.name, { ...existing.config, ...wanted });
    logger.info('Updated the JetStream stream to the configured limits.', {
      stream: config.name,
      changes: updatable.join('; '),
    });
    return { action: 'updated', differences: updatable, info };
  } catch (error) {
    throw new WasmpipeError(
      `JetStream stream ${config.name} differs from the config (${updatable.join('; ')}) and JetStream refused the update: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}
