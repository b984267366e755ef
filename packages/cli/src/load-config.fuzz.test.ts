// Fuzzing the binary's config loader (`loadConfig`: read, YAML, compile against every built-in
// component) with mutations of every YAML config the docs show. It answers with a config or
// problems; it must never throw, and must answer each input quickly.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getPlatform } from '@wasmpipe/core';
import { fc, fuzzAsync, mutatedLines, mutatedText } from '../../core/src/testing/fuzz.test-support.ts';
import { loadConfig } from './load-config.ts';

const root = new URL('../../../', import.meta.url);

/** Every ```yaml block of the README and docs that looks like a whole config. */
async function documentedConfigs(): Promise<string[]> {
  const pages = [new URL('README.md', root)];
  for (const name of await readdir(new URL('docs/', root))) {
    if (name.endsWith('.md')) pages.push(new URL(`docs/${name}`, root));
  }
  const configs: string[] = [];
  for (const page of pages) {
    const text = await readFile(page, 'utf8');
    for (const match of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const block = match[1] ?? '';
      if (/^(collectors|exporters|pipelines):/m.test(block)) configs.push(block);
    }
  }
  return configs;
}

describe('fuzz: wasmpipe load-config', () => {
  let directory: string;
  let seeds: string[];
  before(async () => {
    // A temp directory: the docs' relative plugin paths do not resolve there, so those are refused.
    directory = await mkdtemp(join(tmpdir(), 'wasmpipe-fuzz-config-'));
    seeds = await documentedConfigs();
  });
  after(() => rm(directory, { recursive: true, force: true }));

  it('mutated documented configs: loaded or refused with problems, never a throw', async () => {
    assert.ok(seeds.length >= 3, `found ${seeds.length} documented configs`);
    const platform = getPlatform();
    const file = join(directory, 'wasmpipe.yaml');
    const tokens = [
      '{',
      '}',
      '[',
      ']',
      '*a',
      '&a',
      '${env:HOME}',
      '${env:',
      '0',
      '-1',
      '1e999',
      '~',
      'wasm/x',
      'otlp_http',
      '"',
      ': ',
    ];
    await fuzzAsync({
      name: 'wasmpipe load-config (built-in registry): mutated documented configs',
      area: 'cli config',
      input: fc.oneof(mutatedLines(seeds, tokens), mutatedText(seeds, 3)),
      run: async (text) => {
        await writeFile(file, text);
        const result = await loadConfig(file, platform);
        if (!result.ok) assert.ok(result.problems.length > 0, 'a refused config names at least one problem');
      },
      accepts: () => false,
      runs: 250,
      timeBoxMs: 10_000,
    });
  });
});
