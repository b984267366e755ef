import { type Infer, joinPath, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { natsConnectionShape, validateNatsConnection } from '../connection/config.ts';
import { streamConfig, validateStreamConfig } from '../stream/config.ts';
import { NATS_ENCODINGS } from './headers.ts';
import { parseSubjectTemplate, subjectMatches } from './subject.ts';

/** The config of the `nats` exporter: the connection options, the subject, the encoding and the stream. */
export const natsExporterConfig = s.object({
  ...natsConnectionShape,
  subject: s
    .string({ nonEmpty: true })
    .default('wasmpipe.{signal}')
    .describe('Subject template: literal tokens, {signal}, and at most one {resource.<attribute>}.'),
  encoding: s
    .enum(NATS_ENCODINGS)
    .default('otlp_proto')
    .describe('otlp_proto (OTLP protobuf) or contract (the plugin contract msgpack, fed to plugins as is).'),
  timeout: s.duration({ min: 1 }).default('10s').describe('How long to wait for JetStream to acknowledge a publish.'),
  stream: streamConfig.default({}).describe('The JetStream stream the subjects belong to.'),
});

/** The checked config of the `nats` exporter. */
export type NatsExporterConfig = Infer<typeof natsExporterConfig>;

/** Checks the connection, the subject template, the stream limits, and that the stream captures the subjects. */
export async function validateNatsExporterConfig(
  config: NatsExporterConfig,
  context: ValidateContext,
): Promise<Problem[]> {
  const problems = await validateNatsConnection(config, context);
  const template = parseSubjectTemplate(config.subject);
  if ('problems' in template) {
    for (const message of template.problems) problems.push({ path: joinPath(context.path, 'subject'), message });
  } else if (config.stream.manage) {
    for (const signal of ['metrics', 'logs'] as const) {
      const sample = template.render(signal, template.attribute ? { [template.attribute]: 'x' } : undefined);
      if (!config.stream.subjects.some((filter) => subjectMatches(filter, sample))) {
        problems.push({
          path: joinPath(joinPath(context.path, 'stream'), 'subjects'),
          message: `none of ${config.stream.subjects.join(', ')} captures ${sample}, a subject the exporter publishes to`,
        });
        break;
      }
    }
  }
  problems.push(...validateStreamConfig(config.stream, joinPath(context.path, 'stream')));
  return problems;
}
