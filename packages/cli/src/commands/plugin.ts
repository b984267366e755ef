// `wasmpipe plugin inspect|test|new`: the plugin author's commands.

import { createLogger, errorMessage, type Platform } from '@wasmpipe/core';
import type { CommandLineOptions } from '../cli.ts';
import { formatReport, inspectPlugin } from './plugin-inspect.ts';
import { pluginNewCommand } from './plugin-new.ts';
import { type CommandOutput, pluginTestCommand } from './plugin-test.ts';

const USAGE = `Usage:
  wasmpipe plugin inspect PLUGIN.wasm [--json]
  wasmpipe plugin test PLUGIN.wasm --input RECORDS.json [--config CONFIG.yaml]
  wasmpipe plugin new NAME [--dir DIR]`;

const console_: CommandOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Runs a `plugin` subcommand; resolves with the exit code. */
export async function pluginCommand(
  args: string[],
  options: CommandLineOptions,
  platform: Platform,
  output: CommandOutput = console_,
): Promise<number> {
  const [subcommand, target, ...extra] = args;
  if (extra.length > 0) {
    output.err(`Unexpected argument(s): ${extra.join(' ')}.\n\n${USAGE}`);
    return 2;
  }
  if (target === undefined) {
    output.err(
      subcommand === undefined
        ? USAGE
        : `plugin ${subcommand} needs ${subcommand === 'new' ? 'a NAME' : 'a PLUGIN.wasm'}.\n\n${USAGE}`,
    );
    return 2;
  }
  switch (subcommand) {
    case 'inspect': {
      let report: Awaited<ReturnType<typeof inspectPlugin>>;
      try {
        report = await inspectPlugin(target, platform);
      } catch (error) {
        output.err(`Cannot read ${target}: ${errorMessage(error)}`);
        return 1;
      }
      if (options.json) output.out(JSON.stringify(report, null, 2));
      else for (const line of formatReport(report)) output.out(line);
      return report.problems.length === 0 ? 0 : 1;
    }
    case 'test': {
      if (options.input === undefined) {
        output.err(`plugin test needs --input RECORDS.json.\n\n${USAGE}`);
        return 2;
      }
      // The plugin's own log lines go to standard error, beside the per-batch summary.
      const logger = createLogger({ level: 'debug', write: (line) => output.err(line) });
      const testOptions = { plugin: target, input: options.input, config: options.config };
      return pluginTestCommand(testOptions, platform, output, logger);
    }
    case 'new':
      return pluginNewCommand({ name: target, directory: options.dir }, platform, output);
    default:
      output.err(`Unknown plugin command "${subcommand}".\n\n${USAGE}`);
      return 2;
  }
}
