import { defineExporter } from '@wasmpipe/core';
import { debugConfig } from './config.ts';
import { DebugExporter, type LineWriter, writeToStdout } from './exporter.ts';

/** Defines a `debug` exporter type that writes its lines to `write` (tests and embedders capture them). */
export function defineDebugExporter(write: LineWriter = writeToStdout) {
  return defineExporter({
    type: 'debug',
    description: 'Writes metrics and logs to standard output, for a person or a script to read.',
    signals: ['metrics', 'logs'],
    config: debugConfig,
    create: (config) => new DebugExporter(config, write),
  });
}

/** The `debug` exporter type, writing to standard output. */
export const debugExporter = defineDebugExporter();
