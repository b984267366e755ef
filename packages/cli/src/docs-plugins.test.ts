// docs/plugins.md is tested: every code block marked `<!-- test: file=NAME -->` is extracted and
// used as it stands. The C plugin is compiled with clang and run through the host, and the
// pipeline config is checked with `wasmpipe validate`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const SEVERITIES = fileURLToPath(new URL('./__fixtures__/severities.otlp.json', import.meta.url));

/** The marked code blocks of a Markdown text, by file name. */
function testedBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const pattern = /<!-- test: file=([\w./-]+) -->\n```\w*\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) blocks.set(match[1] as string, `${match[2]}\n`);
  return blocks;
}

let directory: string;
let blocks: Map<string, string>;

before(async () => {
  // Inside the workspace, so relative paths in the examples resolve as they would from docs/.
  directory = await mkdtemp(join(WORKSPACE, '.tmp-docs-'));
  blocks = testedBlocks(await readFile(join(WORKSPACE, 'docs/plugins.md'), 'utf8'));
  for (const [name, text] of blocks) {
    await mkdir(dirname(join(directory, name)), { recursive: true });
    await writeFile(join(directory, name), text);
  }
});
after(() => rm(directory, { recursive: true, force: true }));

async function run(args: string[]) {
  const process = startWasmpipe(args);
  const code = await process.exited();
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}

function hasClang(): boolean {
  const found = spawnSync('clang', ['--version']).status === 0;
  if (!found && process.env.CI) throw new Error('clang is not installed; CI installs it (.ci/run).');
  return found;
}

describe('docs/plugins.md', () => {
  it('has the examples this test expects', () => {
    for (const name of [
      'assembly/index.ts',
      'build-as.sh',
      'severity_floor.c',
      'build.sh',
      'severity-floor.yaml',
      'pipeline.yaml',
    ]) {
      assert.ok(blocks.has(name), `a block marked file=${name}`);
    }
  });

  it('the C plugin builds with the documented command and drops what it says', async (context) => {
    if (!hasClang()) return context.skip('clang is not installed');
    const build = spawnSync('sh', ['build.sh'], { cwd: directory, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const plugin = join(directory, 'severity-floor.wasm');
    const inspect = await run(['plugin', 'inspect', plugin, '--json']);
    assert.equal(inspect.code, 0, inspect.stdout);
    const report = JSON.parse(inspect.stdout);
    assert.deepEqual(report.describe, {
      name: 'severity-floor',
      version: '0.1.0',
      contractVersion: '0.2.0',
      signals: ['logs'],
    });
    assert.ok(report.imports.every((entry: { module: string }) => entry.module === 'wapc'));

    const config = join(directory, 'severity-floor.yaml');
    const result = await run(['plugin', 'test', plugin, '--input', SEVERITIES, '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const records = JSON.parse(result.stdout).resourceLogs[0].scopeLogs[0].logRecords;
    assert.deepEqual(
      records.map((record: { body: { stringValue: string } }) => record.body.stringValue),
      ['no severity', 'slow upstream', 'upstream timed out', 'worker crashed'],
    );
    assert.match(result.stderr, /6 log records in, 4 out, 2 dropped/);

    const everything = await run(['plugin', 'test', plugin, '--input', SEVERITIES]);
    assert.match(everything.stderr, /6 log records in, 6 out, 0 dropped/);
    const bad = await run(['plugin', 'test', plugin, '--input', SEVERITIES, '--config', SEVERITIES]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The config must be \{ min_severity: N \}\./);
  });

  it('the AssemblyScript plugin builds with the documented command against the SDK and does the same', async () => {
    const path = `${join(WORKSPACE, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`;
    const build = spawnSync('sh', ['build-as.sh'], {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
    });
    assert.equal(build.status, 0, build.stderr);
    const plugin = join(directory, 'build/severity-floor.wasm');
    const config = join(directory, 'severity-floor.yaml');
    const result = await run(['plugin', 'test', plugin, '--input', SEVERITIES, '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const records = JSON.parse(result.stdout).resourceLogs[0].scopeLogs[0].logRecords;
    assert.deepEqual(
      records.map((record: { body: { stringValue: string } }) => record.body.stringValue),
      ['no severity', 'slow upstream', 'upstream timed out', 'worker crashed'],
    );
    const bad = await run(['plugin', 'test', plugin, '--input', SEVERITIES, '--config', SEVERITIES]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Unknown option "resourceLogs"; known options: min_severity\./);
  });

  it('the pipeline config passes wasmpipe validate', async () => {
    const result = await run(['validate', '--config', join(directory, 'pipeline.yaml')]);
    assert.equal(result.code, 0, result.stdout);
  });
});
