// `wasmpipe tap COMPONENT_ID`: streams the batches leaving a component of a running wasmpipe,
// read from its admin endpoint's `GET /tap/<id>` (newline-delimited OTLP/JSON).

import { type Exporter, errorMessage, type Platform } from '@wasmpipe/core';
import { defineDebugExporter, parseLogsJson, parseMetricsJson } from '@wasmpipe/exporters';
import type { CommandLineOptions } from '../cli.ts';
import type { CommandOutput } from './plugin-test.ts';

/** Where `wasmpipe tap` looks for the admin endpoint when `--admin` is not given. */
export const DEFAULT_ADMIN = '127.0.0.1:13133';

const USAGE = 'Usage: wasmpipe tap COMPONENT_ID [--admin HOST:PORT] [--format text|json]';

const console_: CommandOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Streams until the instance stops, the user interrupts (exit 0), or the endpoint fails (exit 1). */
export async function tapCommand(
  args: string[],
  options: CommandLineOptions,
  platform: Platform,
  output: CommandOutput = console_,
): Promise<number> {
  const [id, ...extra] = args;
  if (id === undefined || extra.length > 0) {
    output.err(USAGE);
    return 2;
  }
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    output.err(`--format must be text or json; got "${format}".`);
    return 2;
  }
  const admin = (options.admin ?? DEFAULT_ADMIN).replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const url = `http://${admin}/tap/${encodeURIComponent(id).replace(/%2F/gi, '/')}`;
  const interrupted = new AbortController();
  const removers = (['SIGINT', 'SIGTERM'] as const).map((signal) =>
    platform.onSignal(signal, () => interrupted.abort()),
  );
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: interrupted.signal });
    } catch (error) {
      if (interrupted.signal.aborted) return 0;
      output.err(
        `Cannot reach the admin endpoint at ${admin} (${errorMessage(error)}). ` +
          'Is wasmpipe running with "admin: { endpoint: ... }" in its config? Pass it with --admin HOST:PORT.',
      );
      return 1;
    }
    if (response.status === 404) {
      const body = (await response.json().catch(() => ({}))) as { components?: string[] };
      const known = body.components ?? [];
      output.err(`No component "${id}" can be tapped at ${admin}; known: ${known.join(', ') || 'none'}.`);
      return 1;
    }
    if (!response.ok || !response.body) {
      output.err(`The admin endpoint at ${admin} answered ${response.status} to ${url}.`);
      return 1;
    }
    output.err(`Tapping ${id} at ${admin}; Ctrl-C stops.`);
    const print = format === 'json' ? (line: string) => output.out(line) : await textPrinter(output);
    try {
      for await (const line of lines(response.body)) handleLine(line, print, output);
    } catch (error) {
      if (interrupted.signal.aborted) return 0;
      output.err(`The tap stream broke: ${errorMessage(error)}`);
      return 1;
    }
    if (interrupted.signal.aborted) return 0;
    output.err('The stream ended: the wasmpipe instance stopped.');
    return 0;
  } finally {
    for (const remove of removers) remove();
  }
}

function handleLine(line: string, print: (line: string) => void, output: CommandOutput): void {
  if (line.trim() === '') return; // heartbeat
  if (line.startsWith('{"tapDropped"')) {
    const { tapDropped } = JSON.parse(line) as { tapDropped: number };
    output.err(`${tapDropped} batch(es) were skipped because this terminal read too slowly.`);
    return;
  }
  if (line.startsWith('{"tapError"')) {
    output.err(`The instance could not encode a batch: ${(JSON.parse(line) as { tapError: string }).tapError}`);
    return;
  }
  print(line);
}

/** Prints OTLP/JSON lines the way the `debug` exporter does at `normal` verbosity. */
async function textPrinter(output: CommandOutput): Promise<(line: string) => void> {
  // The debug exporter's create needs no context; it only writes lines.
  const exporter: Exporter = await defineDebugExporter((text) => output.out(text)).create(
    { verbosity: 'normal', format: 'text' },
    undefined as never,
  );
  return (line) => {
    try {
      const json = JSON.parse(line) as Record<string, unknown>;
      if ('resourceMetrics' in json) void exporter.exportMetrics?.(parseMetricsJson(line).batch);
      else if ('resourceLogs' in json) void exporter.exportLogs?.(parseLogsJson(line).batch);
      else output.out(line);
    } catch (error) {
      output.err(`A line of the tap stream is not OTLP/JSON (${errorMessage(error)}): ${line.slice(0, 200)}`);
    }
  };
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  if (buffered.trim() !== '') yield buffered;
}
