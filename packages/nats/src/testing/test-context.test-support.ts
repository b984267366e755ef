// Test-only: a CreateContext whose logger keeps its lines and whose telemetry is local.
import { type CreateContext, createLogger, getPlatform, Telemetry } from '@wasmpipe/core';

/** A CreateContext for tests, with the log lines it received. */
export function createTestContext(id: string): { context: CreateContext; lines: string[]; telemetry: Telemetry } {
  const lines: string[] = [];
  const telemetry = new Telemetry();
  const context: CreateContext = {
    id,
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    telemetry: telemetry.forComponent(id),
    platform: getPlatform(),
    configDirectory: '.',
  };
  return { context, lines, telemetry };
}
