import type { Platform } from '@wasmpipe/core';
import type { CommandOutput } from './plugin-test.ts';

/** Options of `wasmpipe plugin new`. */
export interface PluginNewOptions {
  name: string;
  directory: string | undefined;
}

/** `wasmpipe plugin new NAME`: scaffolds an AssemblyScript plugin. */
export async function pluginNewCommand(
  _options: PluginNewOptions,
  _platform: Platform,
  output: CommandOutput,
): Promise<number> {
  output.err('plugin new is not implemented yet.');
  return 1;
}
