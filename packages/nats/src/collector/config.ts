// The config of the `nats` collector: the connection options, the stream it reads, the durable
// pull consumer every gateway of the same name shares, flow control, redelivery and dead letters.
import { type Infer, joinPath, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { natsConnectionShape, validateNatsConnection } from '../connection/config.ts';
import { subjectMatches } from '../exporter/subject.ts';
import { streamConfig, validateStreamConfig } from '../stream/config.ts';

/** Names JetStream accepts for durable consumers and streams. */
const NAME = /^[^\s.*>/\\]+$/;
const NAME_HINT = 'a name without spaces, ".", "*", ">", "/" or "\\"';

/** The config of the `nats` collector. */
export const natsCollectorConfig = s.object({
  ...natsConnectionShape,
  stream: streamConfig
    .default({})
    .describe(
      'The JetStream stream to read (created or verified as for the nats exporter; manage: false uses it as it is).',
    ),
  durable: s
    .string({ nonEmpty: true, pattern: NAME, patternHint: NAME_HINT })
    .default('wasmpipe-gateway')
    .describe(
      'Name of the durable pull consumer. Every gateway with the same name shares it, so messages are split between them.',
    ),
  filter_subject: s
    .string({ nonEmpty: true })
    .optional()
    .describe('Only messages on subjects matching this filter (e.g. wasmpipe.metrics); all of the stream by default.'),
  max_ack_pending: s
    .integer({ min: 1 })
    .default(1000)
    .describe(
      'Messages handed out but not yet acknowledged, across all gateways: bounds work in flight (backpressure) and duplicates after a crash.',
    ),
  fetch_size: s
    .integer({ min: 1 })
    .default(64)
    .describe('Messages one gateway asks for at a time (its client buffer); at most max_ack_pending.'),
  ack_wait: s
    .duration({ min: 1000 })
    .default('30s')
    .describe('How long the server waits for an acknowledgement before it redelivers (a gateway that died).'),
  in_progress_interval: s
    .duration({ min: 100 })
    .optional()
    .describe(
      'How often a message still being exported is reported in progress, resetting ack_wait; ack_wait / 3 by default.',
    ),
  max_deliver: s
    .integer({ min: 1 })
    .default(5)
    .describe(
      'Deliveries of a message before it goes to the dead-letter subject (undecodable, or failing every time).',
    ),
  nak_delay: s
    .duration()
    .default('1s')
    .describe('Delay of the first redelivery after a failed export; doubles with each delivery.'),
  nak_max_delay: s.duration().default('1m').describe('Longest delay between redeliveries.'),
  dead_letter: s
    .object({
      subject: s
        .string({ nonEmpty: true })
        .default('wasmpipe_dead_letter.{durable}')
        .describe('Subject dead letters are published to; {durable} is the consumer name.'),
      stream: streamConfig
        .default({ name: 'WASMPIPE_DEAD_LETTER', subjects: ['wasmpipe_dead_letter.>'], max_age: '168h' })
        .describe('The stream that keeps dead letters (created when missing, unless manage: false).'),
    })
    .default({})
    .describe('Where messages go that cannot be delivered after max_deliver deliveries.'),
  shutdown_timeout: s
    .duration()
    .default('10s')
    .describe(
      'At shutdown, how long to wait for messages in flight to be delivered and acknowledged; the rest are redelivered.',
    ),
});

/** The checked config of the `nats` collector. */
export type NatsCollectorConfig = Infer<typeof natsCollectorConfig>;

/** Checks the connection, both streams, and options that depend on each other. */
export async function validateNatsCollectorConfig(
  config: NatsCollectorConfig,
  context: ValidateContext,
): Promise<Problem[]> {
  const { path } = context;
  const problems = await validateNatsConnection(config, context);
  problems.push(...validateStreamConfig(config.stream, joinPath(path, 'stream')));
  const deadLetter = joinPath(path, 'dead_letter');
  problems.push(...validateStreamConfig(config.dead_letter.stream, joinPath(deadLetter, 'stream')));
  if (config.fetch_size > config.max_ack_pending)
    problems.push({ path: joinPath(path, 'fetch_size'), message: 'must not be larger than max_ack_pending' });
  if (config.nak_max_delay < config.nak_delay)
    problems.push({ path: joinPath(path, 'nak_max_delay'), message: 'must be at least nak_delay' });
  if (config.in_progress_interval !== undefined && config.in_progress_interval >= config.ack_wait)
    problems.push({ path: joinPath(path, 'in_progress_interval'), message: 'must be shorter than ack_wait' });
  const subject = deadLetterSubject(config);
  if (/[\s*>]/.test(subject) || subject.split('.').some((token) => token === ''))
    problems.push({ path: joinPath(deadLetter, 'subject'), message: 'must be a subject without spaces or wildcards' });
  if (config.stream.subjects.some((filter) => subjectMatches(filter, subject)))
    problems.push({
      path: joinPath(deadLetter, 'subject'),
      message: `${subject} is captured by the data stream ${config.stream.name} (${config.stream.subjects.join(', ')}); dead letters would be consumed again`,
    });
  if (
    config.dead_letter.stream.manage &&
    !config.dead_letter.stream.subjects.some((filter) => subjectMatches(filter, subject))
  )
    problems.push({
      path: joinPath(joinPath(deadLetter, 'stream'), 'subjects'),
      message: `none of ${config.dead_letter.stream.subjects.join(', ')} captures the dead-letter subject ${subject}`,
    });
  return problems;
}

/** The dead-letter subject with `{durable}` filled in. */
export function deadLetterSubject(config: NatsCollectorConfig): string {
  return config.dead_letter.subject.replaceAll('{durable}', config.durable);
}
