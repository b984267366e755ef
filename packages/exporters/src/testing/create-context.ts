// Test-only: a CreateContext whose logger records lines and whose telemetry is local.

import {
  type CreateContext,
  createLogger,
  getPlatform,
  type LogsBatch,
  type MetricsBatch,
  Telemetry,
} from '@wasmpipe/core';

/**
 * A CreateContext for tests, with the log lines it received. Its environment is `env` only, so
 * OTEL_* variables of the machine running the tests never leak in.
 */
export function createTestContext(
  id: string,
  env: Record<string, string> = {},
): { context: CreateContext; lines: string[]; telemetry: Telemetry } {
  const lines: string[] = [];
  const telemetry = new Telemetry();
  const context: CreateContext = {
    id,
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
    telemetry: telemetry.forComponent(id),
    platform: { ...getPlatform(), env: (name) => env[name] },
    configDirectory: '.',
  };
  return { context, lines, telemetry };
}

/** A one-point gauge batch. */
export function tinyMetricsBatch(): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'test' } },
        scopeMetrics: [
          {
            scope: { name: 'test' },
            metrics: [
              {
                name: 'up',
                data: { type: 'gauge', dataPoints: [{ attributes: {}, timeUnixNano: 1n, value: 1, isInteger: true }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** A one-record logs batch. */
export function tinyLogsBatch(): LogsBatch {
  return {
    resourceLogs: [
      {
        resource: { attributes: {} },
        scopeLogs: [
          { scope: { name: 'test' }, logRecords: [{ observedTimeUnixNano: 2n, body: 'hi', attributes: {} }] },
        ],
      },
    ],
  };
}
