import { type Infer, s } from '@wasmpipe/core';

/** When to start a new file, named as in the Collector's file exporter (lumberjack). */
export const rotationConfig = s.object({
  max_megabytes: s.number({ min: 0.000001 }).default(100).describe('Size in MiB at which the file is rotated.'),
  max_backups: s.integer({ min: 0 }).default(100).describe('Rotated files kept; older ones are deleted. 0 keeps all.'),
});

/** The config of the `file` exporter. */
export const fileConfig = s.object({
  path: s.string({ nonEmpty: true }).describe('The file written to; relative paths are relative to the config file.'),
  rotation: rotationConfig.optional().describe('Rotate by size and keep a number of old files; off when left out.'),
  compression: s.enum(['none', 'gzip']).default('none').describe('gzip compresses each rotated file.'),
});

/** The parsed config of the `file` exporter. */
export type FileConfig = Infer<typeof fileConfig>;
