// Creates the process collector for tests with a logger that records lines.
import assert from 'node:assert/strict';
import { type CreateContext, createLogger, getPlatform, type Problem, Telemetry } from '@wasmpipe/core';
import type { ProcessCollector } from './collector.ts';
import { processCollector } from './factory.ts';

/** A process collector from a config as a user writes it, and the lines it logged. */
export async function createProcessCollector(
  input: Record<string, unknown>,
): Promise<{ collector: ProcessCollector; logs: string[] }> {
  const problems: Problem[] = [];
  const config = processCollector.config.parse(input, 'collectors.process', problems);
  assert.deepEqual(problems, []);
  const logs: string[] = [];
  const context: CreateContext = {
    id: 'process',
    logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    telemetry: new Telemetry().forComponent('process'),
    platform: getPlatform(),
    configDirectory: '.',
  };
  const collector = (await processCollector.create(config!, context, {
    consumeMetrics: async () => {},
  })) as ProcessCollector;
  return { collector, logs };
}
