import { defineExporter } from '@wasmpipe/core';
import { fileConfig } from './config.ts';
import { FileExporter } from './exporter.ts';

/** The `file` exporter type: OTLP/JSON lines in a file, rotated by size, optionally gzipped. */
export const fileExporter = defineExporter({
  type: 'file',
  description: 'Appends metrics and logs to a file as OTLP/JSON lines, rotating it by size.',
  signals: ['metrics', 'logs'],
  config: fileConfig,
  create: (config, context) => new FileExporter(config, context),
});
