// Hot reload: a changed module is loaded beside the running one and swapped in between batches;
// no batch is lost or processed twice across the swap (both versions count every call they serve
// through the metric host call); the state store survives the reload; a broken module leaves the
// old one running; SIGHUP triggers the same check.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import { decode } from '@msgpack/msgpack';
import type { MetricsBatch, ResourceMetrics } from '@wasmpipe/core';
import { sha256Hex } from '../plugin/validate-module.ts';
import { sampleMetricsBatch } from '../testing/fixtures.ts';
import { type Harness, startProcessor } from '../testing/processor-harness.ts';
import { RecordingMeter } from '../testing/recording-meter.ts';
import { until } from '../testing/until.ts';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest, type GuestOptions } from '../testing/wat-guests.ts';

const skip = skipWithoutWat2wasm();
let directory = '';

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-reload-'));
});
after(() => rm(directory, { recursive: true, force: true }));

/** Replaces the plugin file the way a deploy should: write beside it, then rename over it. */
async function replace(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(`${path}.new`, bytes);
  await rename(`${path}.new`, path);
}

async function plugin(name: string, options: GuestOptions): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, await buildGuest(options));
  return path;
}

const reloads = (harness: Harness) => harness.count('wasmpipe.plugin.reloads');

describe('hot reload', { skip }, () => {
  it('swaps between batches under a stream: every batch is processed once, by one version', async () => {
    const path = await plugin('stream.wasm', { process: 'host_calls' });
    const recording = new RecordingMeter();
    const harness = await startProcessor(
      { path, workers: 2, reload: true, reload_interval: '20ms' },
      { directory, meter: recording.meter },
    );
    let sent = 0;
    try {
      let replaced = false;
      let afterReload = 0;
      // Stream until 30 batches went through before the change and 30 after the reload.
      const more = () => sent < 2000 && (!replaced || afterReload < 30);
      const stream = async () => {
        while (more()) {
          const batch = sampleMetricsBatch();
          (batch.resourceMetrics[0] as ResourceMetrics).resource.attributes['seq'] = sent++;
          const reloaded = reloads(harness) > 0;
          await harness.send(batch);
          if (reloaded) afterReload++;
          if (sent >= 30 && !replaced) {
            replaced = true;
            await replace(path, await buildGuest({ process: 'host_calls_drop' }));
          }
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      };
      // Four batches in flight at a time, over two workers.
      await Promise.all([stream(), stream(), stream(), stream()]);
      await until(() => recording.of('wasmpipe.plugin.custom.batches').length >= sent, 'every metric call');
    } finally {
      await harness.processor.shutdown?.();
    }
    const passed = harness.received.map(
      (batch) => (batch as MetricsBatch).resourceMetrics[0]?.resource.attributes['seq'] as number,
    );
    const dropped = sent - passed.length;
    assert.equal(
      recording.of('wasmpipe.plugin.custom.batches').length,
      sent,
      'the two versions together served each batch exactly once',
    );
    assert.equal(new Set(passed).size, passed.length, 'no batch went downstream twice');
    assert.ok(
      passed.length >= 30 && dropped >= 30,
      `${passed.length} passed by the old version, ${dropped} dropped by the new one`,
    );
    assert.deepEqual(
      [...passed].sort((a, b) => a - b),
      Array.from({ length: passed.length }, (_, index) => index),
      'the old version served every batch that started before the swap, the new one every batch after',
    );
    assert.equal(reloads(harness), 1);
    assert.equal(harness.count('wasmpipe.plugin.calls'), sent);
    const failures = harness.lines.filter((line) => line.includes('failure=')).join('\n');
    assert.equal(harness.count('wasmpipe.plugin.errors'), 0, failures);
    assert.equal(harness.count('wasmpipe.processor.dropped'), dropped * 6);
    assert.equal(harness.lines.filter((line) => line.includes('Plugin reloaded.')).length, 1);
  });

  it('keeps the state store across a reload', async () => {
    const path = await plugin('state.wasm', { process: 'host_calls' });
    const stateFile = join(directory, 'reload.state');
    const harness = await startProcessor(
      { path, reload: true, reload_interval: '20ms', state: { path: stateFile } },
      { directory },
    );
    try {
      for (let index = 0; index < 3; index++) await harness.send(sampleMetricsBatch());
      await replace(path, await buildGuest({ process: 'host_calls_drop' }));
      await until(() => reloads(harness) === 1, 'the reload');
      for (let index = 0; index < 2; index++) await harness.send(sampleMetricsBatch());
    } finally {
      await harness.processor.shutdown?.();
    }
    const entries = decode(await readFile(stateFile)) as Record<string, Uint8Array>;
    const calls = entries['calls'] as Uint8Array;
    assert.equal(
      new DataView(calls.buffer, calls.byteOffset).getUint32(0, true),
      5,
      'the new version went on counting',
    );
    assert.equal(harness.received.length, 3);
  });

  it('keeps the old module when the new one is broken, logs once, and takes a fixed one later', async () => {
    const path = await plugin('broken.wasm', { process: 'unchanged' });
    const harness = await startProcessor({ path, reload: true, reload_interval: '20ms' }, { directory });
    try {
      await replace(path, 'this is not WebAssembly');
      await until(() => harness.count('wasmpipe.plugin.reload_failures') === 1, 'the failed reload');
      await harness.send(sampleMetricsBatch());
      assert.equal(harness.received.length, 1, 'the old module still serves');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(harness.count('wasmpipe.plugin.reload_failures'), 1, 'the same broken file is not retried');
      const failure = harness.lines.filter((line) => line.includes('could not be loaded'));
      assert.equal(failure.length, 1);
      assert.match(failure[0] ?? '', /the previous version keeps running[\s\S]*not a WebAssembly module/);
      await replace(path, await buildGuest({ process: 'drop_all' }));
      await until(() => reloads(harness) === 1, 'the reload of the fixed module');
      await harness.send(sampleMetricsBatch());
      assert.equal(harness.received.length, 1, 'the new module drops everything');
    } finally {
      await harness.processor.shutdown?.();
    }
  });

  it('refuses every kind of bad module on reload: clear message, counted, the old one keeps serving', async () => {
    const path = await plugin('bad-modules.wasm', { process: 'unchanged' });
    const harness = await startProcessor(
      { path, reload: true, reload_interval: '20ms', max_memory: '1MiB' },
      { directory },
    );
    const whole = await buildGuest({});
    const pathOpen =
      '(import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))';
    const cases: [string, Uint8Array | string, RegExp][] = [
      ['not Wasm', '#!/bin/sh\n', /not a WebAssembly module/],
      ['truncated', whole.subarray(0, whole.length - 7), /the module is truncated: section 11/],
      [
        'forbidden import',
        await buildGuest({ imports: [pathOpen] }),
        /imports \\"wasi_snapshot_preview1\.path_open\\"/,
      ],
      [
        'no __guest_call',
        await buildGuest({ guestCallExport: 'call' }),
        /does not export the function \\"__guest_call\\"/,
      ],
      [
        'memory',
        await buildGuest({ memory: { minimum: 100 } }),
        /declares a minimum of 6400KiB \(100 pages\), above max_memory/,
      ],
      ['configure error', await buildGuest({ configure: 'reject' }), /The plugin rejected its config/],
    ];
    try {
      for (const [index, [name, bytes, message]] of cases.entries()) {
        await replace(path, bytes);
        await until(() => harness.count('wasmpipe.plugin.reload_failures') === index + 1, `the refusal of ${name}`);
        const refusals = harness.lines.filter((line) => line.includes('could not be loaded'));
        assert.match(refusals[index] ?? '', message, name);
        await harness.send(sampleMetricsBatch());
        assert.equal(harness.received.length, index + 1, `the old module still serves after ${name}`);
      }
      assert.equal(reloads(harness), 0);
    } finally {
      await harness.processor.shutdown?.();
    }
  });

  it('refuses a module that does not match the sha256 pin on SIGHUP', async () => {
    const path = await plugin('pinned.wasm', { process: 'unchanged' });
    const harness = await startProcessor({ path, sha256: await sha256Hex(await readFile(path)) }, { directory });
    try {
      await replace(path, await buildGuest({ process: 'drop_all' }));
      process.kill(process.pid, 'SIGHUP');
      await until(() => harness.count('wasmpipe.plugin.reload_failures') === 1, 'the refused reload');
      assert.match(harness.lines.join('\n'), /could not be loaded[\s\S]*but the config pins/);
      await harness.send(sampleMetricsBatch());
      assert.equal(harness.received.length, 1);
    } finally {
      await harness.processor.shutdown?.();
    }
  });

  it('refuses a reload to a module that fails configure or handles another signal', async () => {
    const path = await plugin('configure.wasm', { process: 'unchanged' });
    const harness = await startProcessor({ path, reload: true, reload_interval: '20ms' }, { directory });
    try {
      await replace(path, await buildGuest({ configure: 'reject' }));
      await until(() => harness.count('wasmpipe.plugin.reload_failures') === 1, 'the refused configure');
      await replace(path, await buildGuest({ signals: ['logs'] }));
      await until(() => harness.count('wasmpipe.plugin.reload_failures') === 2, 'the refused signal');
      assert.match(harness.lines.join('\n'), /The plugin rejected its config[\s\S]*handles logs, not metrics/);
      await harness.send(sampleMetricsBatch());
      assert.equal(harness.received.length, 1);
      assert.equal(reloads(harness), 0);
    } finally {
      await harness.processor.shutdown?.();
    }
  });

  it('reloads on SIGHUP without polling, and logs recovery once the new module works', async () => {
    const path = await plugin('sighup.wasm', { process: 'trap' });
    const harness = await startProcessor({ path, workers: 0 }, { directory });
    try {
      await harness.send(sampleMetricsBatch());
      await replace(path, await buildGuest({ process: 'unchanged' }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(reloads(harness), 0, 'no polling without reload: true');
      process.kill(process.pid, 'SIGHUP');
      await until(() => reloads(harness) === 1, 'the reload on SIGHUP');
      await harness.send(sampleMetricsBatch());
      assert.equal(harness.count('wasmpipe.plugin.traps'), 1);
      assert.equal(harness.lines.filter((line) => line.includes('The plugin trapped')).length, 1);
      assert.equal(harness.lines.filter((line) => line.includes('works again')).length, 1);
    } finally {
      await harness.processor.shutdown?.();
    }
  });
});
