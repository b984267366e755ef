import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateAll } from './generate.ts';
import { readContract } from './idl.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The committed version of a file, or undefined outside a git checkout. */
function committed(path: string): string | undefined {
  const result = spawnSync('git', ['show', `HEAD:${path}`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return result.status === 0 ? result.stdout : undefined;
}

const inGit = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root }).status === 0;

describe('generated code', () => {
  it('is what the generators make from the IDL now, in the working tree and in the commit', () => {
    const out = mkdtempSync(join(tmpdir(), 'wasmpipe-generated-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', '--out', out], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const stale: string[] = [];
      for (const path of generateAll().keys()) {
        const fresh = readFileSync(join(out, path), 'utf8');
        const working = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
        if (working !== fresh) stale.push(`${path} (working tree)`);
        if (inGit && committed(path) !== fresh) stale.push(`${path} (committed)`);
      }
      assert.deepEqual(
        stale,
        [],
        'Generated files are stale: run `npm run build` (it regenerates them from contracts/wasmpipe.apexlang) and commit them.',
      );
      if (!inGit) console.log('Not a git checkout: compared the working tree only.');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('carries a do-not-edit header in every file', () => {
    for (const [path, content] of generateAll()) assert.match(content, /GENERATED .* DO NOT EDIT/, path);
  });
});

describe('the IDL', () => {
  it('defines the contract the generators rely on', () => {
    const model = readContract();
    assert.match(model.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(
      model.plugin.map((operation) => operation.name),
      ['describe', 'configure', 'process_metrics', 'process_logs'],
    );
    assert.deepEqual(
      model.host.map((operation) => operation.name),
      ['log', 'metric', 'state_get', 'state_set', 'state_delete', 'clock'],
    );
    const metric = model.types.find((type) => type.name === 'Metric');
    assert.equal(metric?.fields[0]?.name, 'name', 'a plugin reads the name first and skips the rest');
    assert.equal(metric?.fields.find((field) => field.name === 'points')?.form, 'embedded');
    const batch = model.types.find((type) => type.name === 'MetricsBatch');
    assert.equal(batch?.fields[0]?.form, 'stringTable', 'the string table comes first');
  });

  it('rejects an IDL with an unknown type, naming it', () => {
    const source = readFileSync(new URL('../wasmpipe.apexlang', import.meta.url), 'utf8');
    assert.throws(() => readContract(source.replace('name: string\n  description', 'name: Strang\n  description')));
  });
});
