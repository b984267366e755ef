// Fixture tests for plugins: each `__fixtures__/*.json` file gives a config, an input batch and
// the batch that must come out, and says which answer the plugin must choose (unchanged,
// selection or replacement: the cheap answers are part of the contract's promise). The batch goes
// through the real host (`WapcPlugin` from @wasmpipe/host-wapc); the answer form is read from the
// same module called through bare @wapc/host. Runs unchanged on Node, Deno and Bun.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { encode } from '@msgpack/msgpack';
import { WapcHost } from '@wapc/host';
import type { LogsBatch, MetricsBatch } from '@wasmpipe/core';
import { decodeProcessResult, encodeLogsBatch, encodeMetricsBatch, WapcPlugin } from '@wasmpipe/host-wapc';

/** One fixture file. */
export interface Fixture {
  description: string;
  signal: 'metrics' | 'logs';
  config?: unknown;
  answer: 'unchanged' | 'keep' | 'replace';
  input: MetricsBatch | LogsBatch;
  output: MetricsBatch | LogsBatch;
}

/** Parses fixture JSON: a string of digits ending in `n` is a bigint (timestamps); `{"$bytes": [..]}` is a Uint8Array. */
export function parseFixture(text: string): Fixture {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'string' && /^-?\d+n$/.test(value)) return BigInt(value.slice(0, -1));
    if (value !== null && typeof value === 'object' && '$bytes' in value) {
      return new Uint8Array((value as { $bytes: number[] }).$bytes);
    }
    return value;
  }) as Fixture;
}

/** Reads every fixture in a directory, by file name. */
export async function readFixtures(directory: URL): Promise<Map<string, Fixture>> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const fixtures = new Map<string, Fixture>();
  for (const name of names) fixtures.set(name, parseFixture(await readFile(new URL(name, directory), 'utf8')));
  return fixtures;
}

/** Reads a built plugin. */
export async function readPlugin(url: URL): Promise<Uint8Array> {
  return new Uint8Array(await readFile(url));
}

/** Loads a plugin into the real host and configures it. */
export async function loadPlugin(bytes: Uint8Array, config?: unknown): Promise<WapcPlugin> {
  const plugin = await WapcPlugin.load(bytes);
  await plugin.configure(config);
  return plugin;
}

/** Which answer form the plugin chose for `batch`, read through bare @wapc/host. */
export async function answerKind(bytes: Uint8Array, fixture: Fixture): Promise<string> {
  const host = await new WapcHost(() => new Uint8Array(0)).instantiate(bytes);
  await host.invoke('configure', encode(fixture.config ?? null));
  const payload =
    fixture.signal === 'metrics'
      ? encodeMetricsBatch(structuredClone(fixture.input) as MetricsBatch)
      : encodeLogsBatch(structuredClone(fixture.input) as LogsBatch);
  const answer = await host.invoke(fixture.signal === 'metrics' ? 'process_metrics' : 'process_logs', payload);
  return decodeProcessResult(answer).kind;
}

/** Runs one fixture: the output through the real host, and the answer form. */
export async function checkFixture(bytes: Uint8Array, name: string, fixture: Fixture): Promise<void> {
  const plugin = await loadPlugin(bytes, fixture.config);
  const input = structuredClone(fixture.input);
  const output =
    fixture.signal === 'metrics'
      ? await plugin.processMetrics(input as MetricsBatch)
      : await plugin.processLogs(input as LogsBatch);
  // Reading the tree decodes a wire batch; the plain copy compares like any batch.
  const plain =
    'resourceMetrics' in output ? { resourceMetrics: output.resourceMetrics } : { resourceLogs: output.resourceLogs };
  assert.deepStrictEqual(plain, fixture.output, `${name}: ${fixture.description}`);
  assert.equal(await answerKind(bytes, fixture), fixture.answer, `${name}: the answer form`);
}
