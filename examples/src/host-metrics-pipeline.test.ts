// Runs the example program unchanged under Node, Deno and Bun and checks what it counted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const example = fileURLToPath(new URL('./host-metrics-pipeline.ts', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

const runtimes: Record<string, [string, string[]]> = {
  node: [process.execPath, ['--import', 'tsx', example]],
  deno: [bin('deno'), ['run', '--allow-all', '--no-check', example]],
  bun: [bin('bun'), [example]],
};

describe('examples/host-metrics-pipeline.ts', () => {
  for (const [runtime, [program, args]] of Object.entries(runtimes)) {
    it(`runs on ${runtime}: host metrics through the filter plugin to the debug exporter`, () => {
      assert.ok(
        runtime === 'node' || existsSync(program),
        `${runtime} is not installed at ${program}; run npm install`,
      );
      const result = spawnSync(program, args, {
        encoding: 'utf8',
        env: { ...process.env, EXAMPLE_SECONDS: '2' },
        timeout: 60_000,
      });
      assert.equal(result.status, 0, `${runtime} failed:\n${result.stderr}`);
      const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
      assert.equal(summary.runtime, runtime);
      assert.ok(summary.accepted > 0, 'host_metrics produced points');
      assert.ok(summary.filtered > 0, 'the plugin dropped the system.cpu.time points');
      assert.equal(summary.sent, summary.accepted - summary.filtered, 'everything the plugin kept was sent');
    });
  }
});
