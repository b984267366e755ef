import { type Infer, s } from '@wasmpipe/core';

/** The config of the `debug` exporter. */
export const debugConfig = s.object({
  verbosity: s
    .enum(['basic', 'normal', 'detailed'])
    .default('normal')
    .describe('basic: one count line per batch; normal: one line per metric or log record; detailed: everything.'),
  format: s.enum(['text', 'json']).default('text').describe('text: for a person; json: one OTLP/JSON line per batch.'),
});

/** The parsed config of the `debug` exporter. */
export type DebugConfig = Infer<typeof debugConfig>;
