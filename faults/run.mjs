#!/usr/bin/env node
// Runs the fault-injection suite (every src/*.test.ts, one at a time, against the built binary),
// then writes reliability/results/faults.json from the cases' figures and re-renders
// docs/reliability.md. With file arguments it runs only those and writes no results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, type } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const binary = join(root, 'packages', 'cli', 'dist', 'main.js');
if (!existsSync(binary)) {
  console.error(`test:faults: ${binary} is missing; run npm run build first.`);
  process.exit(1);
}
const chosen = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const files =
  chosen.length > 0
    ? chosen
    : readdirSync(join(here, 'src'))
        .filter((name) => name.endsWith('.test.ts'))
        .sort()
        .map((name) => join('src', name));
const scratch = mkdtempSync(join(tmpdir(), 'wasmpipe-faults-results-'));
const resultsLines = join(scratch, 'cases.jsonl');
writeFileSync(resultsLines, '');

const started = Date.now();
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { cwd: here, stdio: 'inherit', env: { ...process.env, WASMPIPE_FAULTS_RESULTS: resultsLines } },
);
const cases = readFileSync(resultsLines, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
rmSync(scratch, { recursive: true, force: true });
const seconds = Math.round((Date.now() - started) / 1000);

for (const item of cases) {
  const counts = ['sent', 'received', 'dropped', 'lost', 'duplicated']
    .filter((field) => item[field] !== undefined)
    .map((field) => `${field} ${item[field]}`)
    .join(', ');
  console.log(`${item.result === 'pass' ? 'pass' : 'FAIL'}  ${item.name}${counts ? ` (${counts})` : ''}`);
}
console.log(`test:faults: ${cases.length} cases in ${seconds} s.`);

if (chosen.length === 0 || process.argv.includes('--write')) {
  const node = process.version;
  const machine = `${type()} ${release()} ${process.arch}, ${cpus().length} cores, node ${node}`;
  const results = { suite: 'faults', generatedAt: new Date().toISOString(), machine, wallSeconds: seconds, cases };
  mkdirSync(join(root, 'reliability', 'results'), { recursive: true });
  writeFileSync(join(root, 'reliability', 'results', 'faults.json'), `${JSON.stringify(results, null, 2)}\n`);
  spawnSync(process.execPath, [join(root, 'scripts', 'reliability-report.mjs')], { stdio: 'inherit' });
}
process.exit(run.status ?? 1);
