// `wasmpipe plugin test PLUGIN.wasm --input RECORDS.json [--config CONFIG.yaml]`: runs a plugin
// through the real host on records written as OTLP/JSON and prints what comes out as OTLP/JSON.

import {
  countItems,
  errorMessage,
  formatProblems,
  type Logger,
  type LogsBatch,
  type MetricsBatch,
  type Platform,
  parseYaml,
  type Signal,
} from '@wasmpipe/core';
import { logsToOtlpJson, metricsToOtlpJson, parseLogsJson, parseMetricsJson } from '@wasmpipe/exporters';
import { CONTRACT_VERSION, isCompatibleContract, WapcPlugin } from '@wasmpipe/host-wapc';

/** Options of `wasmpipe plugin test`. */
export interface PluginTestOptions {
  plugin: string;
  input: string;
  config: string | undefined;
}

/** Where the command writes: results (stdout) and messages for a person (stderr). */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

type Batch = { signal: 'metrics'; batch: MetricsBatch } | { signal: 'logs'; batch: LogsBatch };

/**
 * Runs every batch of the input file through the plugin, one guest call per batch, printing each
 * result as one OTLP/JSON document (indented for one batch, one line each for several). A batch
 * the plugin fails on prints as an OTLP export response whose `partialSuccess` rejects all of it
 * with the plugin's error, and the next batch still runs (on a fresh instance after a trap).
 * Resolves with 0, or 1 when the plugin failed on any batch or the input is invalid.
 */
export async function pluginTestCommand(
  options: PluginTestOptions,
  platform: Platform,
  output: CommandOutput,
  logger: Logger,
): Promise<number> {
  let batches: Batch[];
  let config: unknown;
  try {
    batches = parseOtlpJsonDocuments(await platform.readTextFile(options.input), options.input);
    config = options.config === undefined ? undefined : await readPluginConfig(options.config, platform);
  } catch (error) {
    output.err(errorMessage(error));
    return 1;
  }
  let plugin: WapcPlugin;
  try {
    plugin = await WapcPlugin.load(await platform.readFile(options.plugin), { logger });
    const description = await plugin.describe();
    if (!isCompatibleContract(description.contractVersion)) {
      throw new Error(
        `The plugin ${description.name} was built for contract ${description.contractVersion}; this host speaks ${CONTRACT_VERSION}.`,
      );
    }
    for (const signal of new Set(batches.map((entry) => entry.signal))) {
      if (!description.signals.includes(signal)) {
        throw new Error(
          `The plugin ${description.name} handles ${description.signals.join(', ') || 'no signals'}, not ${signal}.`,
        );
      }
    }
    await plugin.configure(config);
  } catch (error) {
    output.err(`${options.plugin}: ${errorMessage(error)}`);
    return 1;
  }
  const indent = batches.length === 1 ? 2 : undefined;
  let failed = false;
  for (const [index, entry] of batches.entries()) {
    const incoming = countItems(entry.signal, entry.batch as never);
    const started = performance.now();
    let json: object;
    let outgoing: number;
    try {
      if (entry.signal === 'metrics') {
        const result = await plugin.processMetrics(entry.batch);
        json = metricsToOtlpJson(result);
        outgoing = countItems('metrics', result);
      } else {
        const result = await plugin.processLogs(entry.batch);
        json = logsToOtlpJson(result);
        outgoing = countItems('logs', result);
      }
    } catch (error) {
      // The batch's answer is an OTLP export response rejecting all of it, with the plugin's error.
      const message = errorMessage(error);
      const rejected = entry.signal === 'metrics' ? 'rejectedDataPoints' : 'rejectedLogRecords';
      output.out(
        JSON.stringify({ partialSuccess: { [rejected]: String(incoming), errorMessage: message } }, null, indent),
      );
      output.err(`Batch ${index + 1} (${incoming} ${unit(entry.signal)}) failed: ${message}`);
      failed = true;
      continue;
    }
    const elapsed = performance.now() - started;
    output.out(JSON.stringify(json, null, indent));
    output.err(
      `Batch ${index + 1}: ${incoming} ${unit(entry.signal)} in, ${outgoing} out, ` +
        `${incoming - outgoing} dropped (${elapsed.toFixed(2)} ms).`,
    );
  }
  return failed ? 1 : 0;
}

function unit(signal: Signal): string {
  return signal === 'metrics' ? 'data points' : 'log records';
}

/**
 * Reads OTLP/JSON requests from text: one JSON document (a request, or a list of requests), or
 * newline-delimited documents (what `wasmpipe tap --format json` prints). Each request is one batch.
 */
export function parseOtlpJsonDocuments(text: string, source: string): Batch[] {
  let documents: unknown[];
  try {
    const whole = JSON.parse(text) as unknown;
    documents = Array.isArray(whole) ? whole : [whole];
  } catch (wholeError) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length < 2) throw new Error(`${source} is not valid JSON: ${errorMessage(wholeError)}`);
    documents = lines.map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch (error) {
        throw new Error(`${source}:${index + 1} is not valid JSON: ${errorMessage(error)}`);
      }
    });
  }
  if (documents.length === 0) throw new Error(`${source} holds no OTLP/JSON request.`);
  return documents.map((document, index) => {
    const where = documents.length === 1 ? source : `${source} (request ${index + 1})`;
    // The OTLP receiver's parser, so a record that plugin test accepts is one wasmpipe accepts.
    const parse = <B>(parser: (text: string) => { batch: B; rejections: { empty: boolean; message(): string } }) => {
      let decoded: ReturnType<typeof parser>;
      try {
        decoded = parser(JSON.stringify(document));
      } catch (error) {
        throw new Error(`${where}: ${errorMessage(error)}`);
      }
      if (!decoded.rejections.empty) throw new Error(`${where}: ${decoded.rejections.message()}`);
      return decoded.batch;
    };
    if (isObjectWith(document, 'resourceMetrics') || isObjectWith(document, 'resource_metrics')) {
      return { signal: 'metrics', batch: parse(parseMetricsJson) };
    }
    if (isObjectWith(document, 'resourceLogs') || isObjectWith(document, 'resource_logs')) {
      return { signal: 'logs', batch: parse(parseLogsJson) };
    }
    throw new Error(
      `${where} is neither an OTLP/JSON ExportMetricsServiceRequest (resourceMetrics) nor an ExportLogsServiceRequest (resourceLogs).`,
    );
  });
}

function isObjectWith(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && key in value;
}

async function readPluginConfig(path: string, platform: Platform): Promise<unknown> {
  const parsed = parseYaml(await platform.readTextFile(path), path);
  if (!parsed.ok) throw new Error(formatProblems(parsed.problems));
  return parsed.value;
}
