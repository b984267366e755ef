#!/usr/bin/env node
// Runs a package's `src/**/*.test.ts` files under each runtime named on the command line
// (node, deno, bun). The test files use `node:test` and `node:assert`, which all three run
// unchanged. Under CI a runtime that is missing is a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Lists test files under a directory, skipping fixtures and node_modules. */
function findTests(directory, pattern) {
  const found = [];
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules' || entry === '__fixtures__') continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path, pattern));
    else if (pattern.test(entry)) found.push(path);
  }
  return found.sort();
}

const args = process.argv.slice(2);
const runtimes = args.filter((a) => !a.startsWith('--'));
const suffix = args.find((a) => a.startsWith('--suffix='))?.slice('--suffix='.length) ?? '.test.ts';
const pattern = new RegExp(`${suffix.replace(/\./g, '\\.')}$`);
// --files=a,b runs only those (paths relative to the package), e.g. the reliability suites.
const only = args.find((a) => a.startsWith('--files='))?.slice('--files='.length);
const files = only ? only.split(',') : existsSync('src') ? findTests('src', pattern) : [];
if (files.length === 0) {
  console.log(`No ${suffix} files in ${relative(root, process.cwd()) || '.'}.`);
  process.exit(0);
}

const commands = {
  node: () => [
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  ],
  deno: () => [bin('deno'), ['test', '--allow-all', '--no-check', ...files]],
  bun: () => [bin('bun'), ['test', '--timeout=60000', ...files.map((f) => `./${f}`)]],
};

let failed = false;
for (const runtime of runtimes) {
  const command = commands[runtime];
  if (!command) throw new Error(`Unknown runtime "${runtime}"; expected node, deno or bun.`);
  const [program, programArgs] = command();
  if (runtime !== 'node' && !existsSync(program)) {
    const message = `${runtime} is not installed (looked for ${program}); run npm install`;
    if (process.env.CI) {
      console.error(message);
      failed = true;
      continue;
    }
    console.warn(`${message} Skipping the ${runtime} run.`);
    continue;
  }
  console.log(`\n=== ${runtime}: ${files.length} test file(s) in ${relative(root, process.cwd())} ===`);
  const result = spawnSync(program, programArgs, {
    stdio: 'inherit',
    env: { ...process.env, WASMPIPE_TEST_RUNTIME: runtime },
  });
  if (result.status !== 0) {
    console.error(
      `${runtime} tests failed in ${relative(root, process.cwd())} (exit ${result.status ?? result.signal}).`,
    );
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
