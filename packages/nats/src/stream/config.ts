// The `stream` option of NATS components: the JetStream stream batches go to (the exporter) or
// come from (the collector), with the limits wasmpipe creates it with, or `manage: false` to use a
// stream someone else manages.
import { type Infer, joinPath, type Problem, s } from '@wasmpipe/core';

const STREAM_NAME = /^[^\s.*>/\\]+$/;

/** The `stream` block. */
export const streamConfig = s.object({
  name: s
    .string({
      nonEmpty: true,
      pattern: STREAM_NAME,
      patternHint: 'a stream name without spaces, ".", "*", ">", "/" or "\\"',
    })
    .default('WASMPIPE')
    .describe('Name of the JetStream stream.'),
  manage: s
    .boolean()
    .default(true)
    .describe('Create the stream, or update its limits to these; false uses an existing stream as it is.'),
  subjects: s
    .array(s.string({ nonEmpty: true }), { minItems: 1 })
    .default(['wasmpipe.>'])
    .describe('Subjects the stream captures; must cover every subject the exporter publishes to.'),
  storage: s
    .enum(['file', 'memory'])
    .default('file')
    .describe('Where the server keeps messages (cannot change later).'),
  replicas: s
    .integer({ min: 1, max: 5 })
    .default(1)
    .describe('Copies kept in a JetStream cluster (1 on a single server).'),
  max_age: s.duration().default('24h').describe('Oldest message kept; 0 keeps messages regardless of age.'),
  max_bytes: s.integer({ min: -1 }).default(-1).describe('Largest size of the stream in bytes; -1 is unlimited.'),
  max_msgs: s.integer({ min: -1 }).default(-1).describe('Most messages kept; -1 is unlimited.'),
  duplicate_window: s
    .duration({ min: 1 })
    .default('2m')
    .describe('How long the server remembers message ids to drop republished batches.'),
});

/** The checked `stream` block. */
export type StreamConfig = Infer<typeof streamConfig>;

/** Checks limits that depend on each other. */
export function validateStreamConfig(config: StreamConfig, path: string): Problem[] {
  const problems: Problem[] = [];
  if (config.max_age > 0 && config.duplicate_window > config.max_age)
    problems.push({ path: joinPath(path, 'duplicate_window'), message: 'must not be longer than max_age' });
  return problems;
}
