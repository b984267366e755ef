import { parseArgs } from 'node:util';
import { getPlatform, isLogLevel, type Platform } from '@wasmpipe/core';
import { pluginCommand } from './commands/plugin.ts';
import { runCommand } from './commands/run.ts';
import { tapCommand } from './commands/tap.ts';
import { validateCommand } from './commands/validate.ts';
import { version } from './version.ts';

const HELP = `wasmpipe ${version}: an observability pipeline with WebAssembly plugins.

Usage:
  wasmpipe run [--config FILE]      Run the pipelines of FILE, or the embedded default
                                    (host metrics every 10 s to the debug exporter, and to
                                    OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
  wasmpipe validate --config FILE   Check FILE and list every problem; exit 1 if any.
  wasmpipe plugin inspect PLUGIN.wasm [--json]
                                    Imports, exports, memory limits, sha256 and the plugin's
                                    own describe answer.
  wasmpipe plugin test PLUGIN.wasm --input RECORDS.json [--config CONFIG.yaml]
                                    Run the plugin on OTLP/JSON records (one request, a list of
                                    them, or one per line); print what comes out as OTLP/JSON.
                                    --config holds the plugin's own config (its config: block).
  wasmpipe plugin new NAME [--dir DIR]
                                    Scaffold an AssemblyScript plugin that builds and passes its
                                    own fixture test (in DIR/NAME, default ./NAME).
  wasmpipe tap COMPONENT_ID [--admin HOST:PORT] [--format text|json]
                                    Stream the records leaving a component of a running
                                    wasmpipe (its admin endpoint, default 127.0.0.1:13133).
  wasmpipe --help | --version

Options:
  -c, --config FILE     The YAML config file.
      --log-level L     debug, info, warn or error (overrides log.level).
      --log-format F    text or json (overrides log.format).

Signals: SIGINT or SIGTERM drains every queue and exits 0.
Docs: https://github.com/wasmpipe/wasmpipe#readme
`;

/** Runs the command line and resolves with the process exit code. */
export async function main(argv: string[], platform: Platform = getPlatform()): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(version);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (values['log-level'] !== undefined && !isLogLevel(values['log-level'])) {
    console.error(`--log-level must be debug, info, warn or error; got "${values['log-level']}".`);
    return 2;
  }
  const logFormat = values['log-format'];
  if (logFormat !== undefined && logFormat !== 'text' && logFormat !== 'json') {
    console.error(`--log-format must be text or json; got "${logFormat}".`);
    return 2;
  }
  switch (command) {
    case 'run':
      return runCommand({ config: values.config, logLevel: values['log-level'] as never, logFormat }, platform);
    case 'validate':
      if (values.config === undefined) {
        console.error('validate needs --config FILE.');
        return 2;
      }
      return validateCommand(values.config, platform, (line) => console.log(line));
    case 'plugin':
      return pluginCommand(positionals.slice(1), values, platform);
    case 'tap':
      return tapCommand(positionals.slice(1), values, platform);
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

/** The options of the command line, as parsed. */
export type CommandLineOptions = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      input: { type: 'string', short: 'i' },
      json: { type: 'boolean' },
      dir: { type: 'string' },
      admin: { type: 'string' },
      format: { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
