// Fuzzing the config loader's core: YAML text (mutated valid configs, deep nesting, alias
// expansion) through parseYaml and compileConfig. Both report problems as values, so any throw is
// a crash; each input must come back quickly with a config or a list of problems with paths.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../component/registry.ts';
import { getPlatform } from '../platform/index.ts';
import { batchProcessor } from '../processors/batch.ts';
import { manualCollector, recordingExporter, renameProcessor } from '../testing/components.test-support.ts';
import { fc, fuzzAsync, mutatedLines, mutatedText } from '../testing/fuzz.test-support.ts';
import { compileConfig } from './compile.ts';
import { parseYaml } from './yaml.ts';

const registry = createRegistry(manualCollector, renameProcessor, batchProcessor, recordingExporter);
const env: Record<string, string> = { PORT: '4318', SUFFIX: '_x' };

const seeds = [
  `collectors: { manual: {} }
processors: { rename: { suffix: "\${env:SUFFIX}" }, batch: { timeout: 1s, send_batch_size: 100 } }
exporters: { recording: { delay: 10ms, sending_queue: { queue_size: 5, on_full: block } } }
admin: { endpoint: "127.0.0.1:13133" }
log: { level: debug, format: json }
pipelines:
  metrics: { collectors: [manual], processors: [rename, batch], exporters: [recording] }
  logs/x: { collectors: [manual], exporters: [recording] }
`,
  `collectors:
  manual/a:
    label: "\${env:PORT}"
exporters:
  recording:
    fail: false
    retry_on_failure: { enabled: true, initial_interval: 5s, max_elapsed_time: 1m }
pipelines:
  metrics:
    collectors:
      - manual/a
    exporters:
      - recording
`,
  `defaults: &defaults { delay: 1ms }
collectors: { manual: {} }
exporters: { recording: *defaults }
pipelines: { metrics: { collectors: [manual], exporters: [recording] } }
`,
];
const tokens = [
  '{',
  '}',
  '[',
  ']',
  '&a',
  '*a',
  '<<: *a',
  '!!binary',
  '!!int',
  '${env:',
  '${env:PORT}',
  '~',
  '-1',
  '1e999',
  '0x',
  '"',
  "'",
  '|',
  '>',
  '? ',
  ': ',
  '#',
];

/** Runs the loader's two steps; both must answer with values, never throw. */
async function load(text: string): Promise<void> {
  const parsed = parseYaml(text, 'fuzz.yaml');
  if (!parsed.ok) {
    assert.ok(parsed.problems.length > 0, 'a refused YAML text names at least one problem');
    return;
  }
  const result = await compileConfig(parsed.value, {
    registry,
    platform: getPlatform(),
    configDirectory: '/tmp',
    env: (name) => env[name],
  });
  if (!result.ok) {
    assert.ok(result.problems.length > 0);
    for (const problem of result.problems) assert.equal(typeof problem.message, 'string');
  }
}

const nested = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{a: ', '- ', '  - '))
  .map(([depth, opener]) => `collectors: ${opener.repeat(depth)}`);

const aliasBomb = fc.integer({ min: 2, max: 12 }).map((levels) => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < levels; level++) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(10).fill(previous).join(', ')}]`);
  }
  return `${lines.join('\n')}\ncollectors: { manual: { label: *a${levels - 1} } }\n`;
});

describe('fuzz: the config loader (YAML and compile)', () => {
  it('mutated configs, deep nesting and alias expansion: a config or problems, never a throw', async () => {
    await fuzzAsync({
      name: 'config loader (parseYaml + compileConfig): mutated YAML, deep nesting, alias bombs',
      area: 'core config',
      input: fc.oneof(
        { weight: 4, arbitrary: mutatedLines(seeds, tokens) },
        { weight: 4, arbitrary: mutatedText(seeds, 4) },
        { weight: 1, arbitrary: nested },
        { weight: 1, arbitrary: aliasBomb },
      ),
      run: load,
      accepts: () => false,
      runs: 600,
      timeBoxMs: 5000,
    });
  });

  it('an alias bomb is refused rather than expanded (regression shape)', () => {
    const levels = 9;
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < levels; level++) {
      lines.push(
        `a${level}: &a${level} [${Array(10)
          .fill(`*a${level - 1}`)
          .join(', ')}]`,
      );
    }
    const parsed = parseYaml(lines.join('\n'), 'bomb.yaml');
    assert.equal(parsed.ok, false);
  });

  it('an alias used before its anchor is a problem, not a ReferenceError (regression, found by fuzzing)', () => {
    const parsed = parseYaml('collectors: *a\n', 'x.yaml');
    assert.deepEqual(parsed, {
      ok: false,
      problems: [
        { path: 'x.yaml', message: 'invalid YAML: Unresolved alias (the anchor must be set before the alias): a' },
      ],
    });
  });
});
