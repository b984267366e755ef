// The bench smoke test (`npm run bench:smoke` from the root, a step of `npm test`): runs every
// registered scenario in smoke mode (seconds each, one run) in a child process, the way
// `npm run bench -- --smoke` does, and checks that each one produced figures: runs on every side,
// finite numbers, evaluated targets. No timing is asserted; the machine is shared. A scenario
// may skip (return no figures) only outside CI, when a binary it needs is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Report } from './harness.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const CI = process.env['CI'] === 'true';

function runMain(args: string[], timeoutMs: number) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
}

test('every registered scenario runs in smoke mode and produces figures', { timeout: 30 * 60_000 }, () => {
  const listed = runMain(['--list'], 120_000);
  assert.equal(listed.status, 0, listed.stderr);
  const names = JSON.parse(listed.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
  assert.ok(names.length > 0, 'No scenario is registered.');

  const directory = mkdtempSync(path.join(os.tmpdir(), 'wasmpipe-bench-smoke-'));
  try {
    const run = runMain(['--smoke', '--out', directory], 25 * 60_000);
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    assert.equal(run.status, 0, `npm run bench -- --smoke failed (status ${run.status}, signal ${run.signal}).`);
    const report = JSON.parse(readFileSync(path.join(directory, 'latest-smoke.json'), 'utf8')) as Report;
    assert.equal(report.smoke, true);
    assert.ok(report.machine.cores > 0 && report.machine.node.startsWith('v'), 'The machine is not described.');
    assert.deepEqual(Object.keys(report.scenarios).sort(), [...names].sort(), 'Not every scenario was run.');
    for (const name of names) {
      const scenario = report.scenarios[name];
      assert.ok(scenario, `${name} is missing from the results.`);
      assert.equal(scenario.error, undefined, `${name} failed: ${scenario.error}`);
      if (scenario.comparisons.length === 0) {
        assert.ok(!CI, `${name} produced no figures under CI=true.`);
        console.log(`${name} skipped (a binary it needs is missing; under CI=true this fails).`);
        continue;
      }
      for (const comparison of scenario.comparisons) {
        const sides = [comparison.subject, ...(comparison.peer ? [comparison.peer] : [])];
        for (const side of sides) {
          assert.ok(side.runs.length > 0, `${name}: "${comparison.metric}" has no runs for ${side.name}.`);
          assert.ok(
            side.runs.every(Number.isFinite) && Number.isFinite(side.median),
            `${name}: "${comparison.metric}" of ${side.name} is not a finite figure: ${side.runs.join(', ')}.`,
          );
        }
        for (const target of comparison.targets) {
          assert.equal(typeof target.met, 'boolean', `${name}: target "${target.name}" was not evaluated.`);
          assert.ok(Number.isFinite(target.value), `${name}: target "${target.name}" has no value.`);
        }
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
