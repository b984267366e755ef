// `wasmpipe plugin new`: scaffolds a plugin into a temporary directory inside the workspace (so it
// finds assemblyscript and the wasmpipe binary in the workspace's node_modules), builds it with its
// own `npm run build`, and runs its own `npm test`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
let directory: string;

before(async () => {
  directory = await mkdtemp(join(WORKSPACE, '.tmp-plugin-new-'));
});
after(() => rm(directory, { recursive: true, force: true }));

async function run(args: string[]) {
  const process = startWasmpipe(args);
  const code = await process.exited();
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

function npm(script: string, cwd: string) {
  // The scaffold's own `node --test` must not think it runs inside this test run.
  const { NODE_TEST_CONTEXT: _inherited, ...env } = process.env;
  const result = spawnSync('npm', ['run', '--silent', script], { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('wasmpipe plugin new', () => {
  it('scaffolds an AssemblyScript plugin that builds and passes its own fixture test', async () => {
    const created = await run(['plugin', 'new', 'drop-cpu', '--dir', directory]);
    assert.equal(created.code, 0, created.stderr);
    const project = join(directory, 'drop-cpu');
    assert.match(created.stdout, /Created the plugin drop-cpu/);
    const files = await readdir(project, { recursive: true });
    for (const file of ['package.json', 'assembly/index.ts', 'fixtures/input.otlp.json', 'test/fixtures.test.mjs']) {
      assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
    }
    assert.ok(files.includes('.gitignore'));
    const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'drop-cpu');
    assert.match(
      await readFile(join(project, 'assembly/index.ts'), 'utf8'),
      /class DropCpu extends Plugin[\s\S]*super\('drop-cpu'/,
    );

    const build = npm('build', project);
    assert.equal(build.code, 0, build.output);
    const test = npm('test', project);
    assert.equal(test.code, 0, test.output);
    assert.match(test.output, /pass 3/);

    // The built plugin is a real one: the host loads it, and it filters batch after batch (an
    // AssemblyScript runtime that corrupts its heap after a few dozen calls would show here).
    const inspect = await run(['plugin', 'inspect', join(project, 'build/drop-cpu.wasm')]);
    assert.equal(inspect.code, 0, inspect.stdout);
    assert.match(inspect.stdout, /describe +name drop-cpu/);
    const one = JSON.stringify(JSON.parse(await readFile(join(project, 'fixtures/input.otlp.json'), 'utf8')));
    const many = join(directory, 'many.ndjson');
    await writeFile(many, `${one}\n`.repeat(200));
    const config = join(project, 'fixtures/config.yaml');
    const repeated = await run([
      'plugin',
      'test',
      join(project, 'build/drop-cpu.wasm'),
      '--input',
      many,
      '--config',
      config,
    ]);
    assert.equal(repeated.code, 0, repeated.stderr.slice(-2000));
    assert.equal(repeated.stdout.trim().split('\n').length, 200);
    assert.match(repeated.stderr, /Batch 200: 3 data points in, 2 out, 1 dropped/);
  });

  it('refuses a bad name and a directory that is not empty', async () => {
    const badName = await run(['plugin', 'new', 'My Plugin', '--dir', directory]);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /"My Plugin" cannot name a plugin/);
    await mkdir(join(directory, 'taken'));
    await writeFile(join(directory, 'taken', 'keep.txt'), 'mine');
    const taken = await run(['plugin', 'new', 'taken', '--dir', directory]);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /already exists and is not empty; nothing was written/);
    assert.deepEqual(await readdir(join(directory, 'taken')), ['keep.txt']);
  });
});
