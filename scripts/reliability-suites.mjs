#!/usr/bin/env node
// `npm run test:reliability [-- --runtimes node,deno,bun]`: runs the fuzz targets (`*.fuzz.test.ts`),
// the plugin sandbox tests and the secrets tests, collects what each case recorded, and writes
// reliability/results/fuzz.json and sandbox.json in the reliability results format (TEAM.md),
// then re-renders docs/reliability.md when scripts/reliability-report.mjs is there.
// FUZZ_RUNS and FUZZ_SEED pass through: `FUZZ_RUNS=50000 npm run test:reliability` fuzzes harder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runtimes: { type: 'string', default: 'node' } } });
const runtimes = values.runtimes.split(',');

/** Each package's reliability test files (the fuzz targets, then the sandbox and secrets tests). */
const FILES = {
  'packages/host-wapc': ['src/codec/codec.fuzz.test.ts', 'src/plugin/sandbox.test.ts'],
  'packages/collectors': ['src/otlp/otlp.fuzz.test.ts', 'src/parsers.fuzz.test.ts'],
  'packages/core': ['src/config/config.fuzz.test.ts'],
  // The cli's tests start the built binary; they run on Node only, as the cli's own test script does.
  'packages/cli': ['src/load-config.fuzz.test.ts', 'src/secrets.test.ts'],
};

/** What fuzzing found in a target while it was written; each is fixed and has a regression test. */
const FOUND = {
  'host_metrics /proc/cpuinfo parser: mutated files':
    'found and fixed: a "cpu MHz" that is not a number became a NaN system.cpu.frequency point',
  'host_metrics /proc/swaps parser: mutated files': 'found and fixed: a non-integer priority parsed as NaN',
  'config loader (parseYaml + compileConfig): mutated YAML, deep nesting, alias bombs':
    'found and fixed: an alias bomb (past maxAliasCount) and an alias before its anchor threw a ReferenceError out of parseYaml instead of a problem',
  'wasmpipe load-config (built-in registry): mutated documented configs':
    'found and fixed: the same ReferenceError reached `wasmpipe validate` and `run` as a crash',
};

const reports = mkdtempSync(join(os.tmpdir(), 'wasmpipe-reliability-'));
let failed = false;
try {
  for (const [directory, files] of Object.entries(FILES)) {
    const cwd = join(root, directory);
    for (const runtime of directory === 'packages/cli' ? ['node'] : runtimes) {
      const result = spawnSync(
        process.execPath,
        [join(root, 'scripts/run-tests.mjs'), runtime, `--files=${files.join(',')}`],
        {
          cwd,
          stdio: 'inherit',
          env: { ...process.env, RELIABILITY_REPORT_DIR: reports },
        },
      );
      if (result.status !== 0) failed = true;
    }
  }
  const machine = `${spawnSync('uname', ['-srm'], { encoding: 'utf8' }).stdout.trim()}, ${os.cpus().length} cores, node ${process.version}`;
  const generatedAt = new Date().toISOString();
  const read = (suite) => {
    const file = join(reports, `${suite}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  };

  // Fuzz: one case per target, inputs and crashes summed over the runtimes it ran on.
  const fuzzCases = new Map();
  for (const line of read('fuzz')) {
    const existing = fuzzCases.get(line.name) ?? {
      name: line.name,
      area: line.area,
      inputs: 0,
      crashes: 0,
      result: 'pass',
      runtimes: [],
    };
    existing.inputs += line.inputs;
    existing.crashes += line.crashes;
    if (line.result !== 'pass') existing.result = 'fail';
    existing.runtimes.push(line.runtime);
    fuzzCases.set(line.name, existing);
  }
  const seed = process.env['FUZZ_SEED'] ?? '20240901';
  const fuzz = [...fuzzCases.values()].map(({ runtimes: ran, ...entry }) => ({
    ...entry,
    notes: [FOUND[entry.name], `seed ${seed}; ${ran.join(', ')}`].filter(Boolean).join('; '),
  }));

  // Sandbox and secrets: one case per check and runtime.
  const sandbox = read('sandbox').map(({ runtime, ...entry }) => ({
    ...entry,
    notes: [entry.notes, runtime].filter(Boolean).join('; '),
  }));

  const directoryOut = join(root, 'reliability/results');
  mkdirSync(directoryOut, { recursive: true });
  const write = (suite, cases) =>
    writeFileSync(
      join(directoryOut, `${suite}.json`),
      `${JSON.stringify({ suite, generatedAt, machine, cases }, null, 2)}\n`,
    );
  write('fuzz', fuzz);
  write('sandbox', sandbox);
  console.log(
    `\nreliability: ${fuzz.length} fuzz targets, ${fuzz.reduce((sum, entry) => sum + entry.inputs, 0)} inputs, ` +
      `${fuzz.reduce((sum, entry) => sum + entry.crashes, 0)} crashes; ${sandbox.length} sandbox/secrets checks, ` +
      `${sandbox.filter((entry) => entry.result !== 'pass').length} failed.`,
  );
  const renderer = join(root, 'scripts/reliability-report.mjs');
  if (existsSync(renderer)) spawnSync(process.execPath, [renderer], { stdio: 'inherit', cwd: root });
} finally {
  rmSync(reports, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
