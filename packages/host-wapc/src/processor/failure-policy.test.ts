// Bad input, each with a clear message and a counter, and the pipeline still running under the
// plugin's policy (pass, drop or dead_letter). Every batch is accounted for: items in equal items
// out + dropped + dead-lettered.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Processor } from '@wasmpipe/core';
import { isolationCapabilities } from '../isolation/capabilities.ts';
import { sampleLogsBatch, sampleMetricsBatch } from '../testing/fixtures.ts';
import { type Harness, startProcessor } from '../testing/processor-harness.ts';
import { until } from '../testing/until.ts';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest, CONFIGURE_REJECTION, type GuestOptions } from '../testing/wat-guests.ts';

const skip = skipWithoutWat2wasm();
let directory = '';
const running: Processor[] = [];

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-policy-'));
});
after(() => rm(directory, { recursive: true, force: true }));
afterEach(async () => {
  for (const processor of running.splice(0)) await processor.shutdown?.();
});

let files = 0;
async function guestFile(options: GuestOptions): Promise<string> {
  const path = join(directory, `guest-${files++}.wasm`);
  await writeFile(path, await buildGuest(options));
  return path;
}

async function start(input: Record<string, unknown>, signal: 'metrics' | 'logs' = 'metrics'): Promise<Harness> {
  const harness = await startProcessor(input, { directory, signal });
  running.push(harness.processor);
  return harness;
}

/** Items sent equal items forwarded + dropped + dead-lettered. */
function assertAccounted(harness: Harness, sent: number): void {
  const accounted =
    harness.outgoing() + harness.count('wasmpipe.processor.dropped') + harness.count('wasmpipe.plugin.dead_lettered');
  assert.equal(accounted, sent, 'every item is forwarded, dropped or dead-lettered, and counted');
}

const logLines = (harness: Harness, text: string) => harness.lines.filter((line) => line.includes(text));

describe('failure policy', { skip }, () => {
  it('a guest that traps: pass forwards the input unchanged, logs once per burst, replaces the instance', async () => {
    const harness = await start({ path: await guestFile({ process: 'trap' }) });
    let sent = 0;
    for (let index = 0; index < 3; index++) sent += await harness.send(sampleMetricsBatch());
    assert.equal(harness.received.length, 3);
    assert.deepStrictEqual(harness.received[0], sampleMetricsBatch());
    assert.equal(harness.count('wasmpipe.plugin.calls'), 3);
    assert.equal(harness.count('wasmpipe.plugin.traps'), 3);
    assert.equal(harness.count('wasmpipe.plugin.errors'), 3);
    assert.equal(harness.count('wasmpipe.plugin.restarts'), 2, 'the second and third calls ran on fresh instances');
    const logged = logLines(harness, 'The plugin trapped');
    assert.equal(logged.length, 1, 'one line for the burst');
    assert.match(logged[0] ?? '', /batches pass through unchanged[\s\S]*unreachable/i);
    assertAccounted(harness, sent);
  });

  it('a guest in an infinite loop: the call times out, its worker is replaced, the batch passes', async () => {
    const harness = await start({ path: await guestFile({ process: 'loop' }), timeout: '300ms' });
    const started = Date.now();
    const sent = (await harness.send(sampleMetricsBatch())) + (await harness.send(sampleMetricsBatch()));
    assert.equal(harness.received.length, 2, 'the pipeline kept running');
    assert.equal(harness.count('wasmpipe.plugin.errors'), 2);
    assert.match(
      logLines(harness, 'The plugin timed out')[0] ?? '',
      /no answer within 300 ms; its worker was terminated/,
    );
    if (isolationCapabilities().terminatesRunningWasm) {
      assert.ok(Date.now() - started >= 600, 'each call waited for its timeout');
      assert.equal(harness.count('wasmpipe.plugin.timeouts'), 2);
      await until(() => harness.count('wasmpipe.plugin.restarts') === 2, 'a fresh, re-configured worker for each');
    } else {
      // Bun cannot stop the spinning thread: it is abandoned and the plugin disabled, not restarted.
      assert.equal(harness.count('wasmpipe.plugin.timeouts'), 1);
      assert.equal(harness.count('wasmpipe.plugin.restarts'), 0);
      assert.match(logLines(harness, 'The plugin is unavailable')[0] ?? '', /disabled until it is reloaded/);
      assert.equal(logLines(harness, 'was abandoned').length, 1);
    }
    assertAccounted(harness, sent);
  });

  it('memory growth past max_memory traps inside the guest; drop counts the batch', async () => {
    const harness = await start({ path: await guestFile({ process: 'grow' }), max_memory: '4MiB', on_error: 'drop' });
    const sent = await harness.send(sampleMetricsBatch());
    assert.equal(harness.received.length, 0);
    assert.equal(harness.count('wasmpipe.plugin.traps'), 1);
    assert.equal(harness.count('wasmpipe.processor.dropped'), sent);
    assertAccounted(harness, sent);
  });

  it('output that is not msgpack: an invalid_output failure, the input passes', async () => {
    const harness = await start({ path: await guestFile({ process: 'not_msgpack' }) }, 'logs');
    const sent = await harness.send(sampleLogsBatch());
    assert.deepStrictEqual(harness.received, [sampleLogsBatch()]);
    assert.equal(harness.count('wasmpipe.plugin.errors'), 1);
    assert.equal(harness.count('wasmpipe.plugin.traps'), 0);
    assert.match(logLines(harness, "The plugin's answer breaks the contract")[0] ?? '', /failure=invalid_output/);
    assertAccounted(harness, sent);
  });

  it('output with wrong types: refused with a message naming the field, dead-lettered', async () => {
    const harness = await start({
      path: await guestFile({ process: 'wrong_types' }),
      on_error: 'dead_letter',
      dead_letter: 'debug/dead',
    });
    const sent = await harness.send(sampleMetricsBatch());
    assert.equal(harness.received.length, 0);
    assert.deepStrictEqual(harness.deadLetters.get('debug/dead'), [sampleMetricsBatch()]);
    assert.equal(harness.count('wasmpipe.plugin.dead_lettered'), sent);
    assert.match(logLines(harness, 'breaks the contract')[0] ?? '', /MetricsBatch\.resourceMetrics/);
    assertAccounted(harness, sent);
  });

  it('a guest error: counted as an error, not a trap; the same instance serves the next call', async () => {
    const harness = await start({ path: await guestFile({ process: 'guest_error' }), on_error: 'drop' });
    const sent = (await harness.send(sampleMetricsBatch())) + (await harness.send(sampleMetricsBatch()));
    assert.equal(harness.count('wasmpipe.plugin.errors'), 2);
    assert.equal(harness.count('wasmpipe.plugin.restarts'), 0);
    assert.match(logLines(harness, 'The plugin returned an error')[0] ?? '', /the batch was refused by the guest/);
    assertAccounted(harness, sent);
  });

  it('a plugin that drops everything: nothing goes downstream, every item is counted as dropped', async () => {
    const harness = await start({ path: await guestFile({ process: 'drop_all' }) });
    const sent = await harness.send(sampleMetricsBatch());
    assert.equal(harness.received.length, 0);
    assert.equal(harness.count('wasmpipe.plugin.errors'), 0);
    assert.equal(harness.count('wasmpipe.processor.dropped'), sent);
    assertAccounted(harness, sent);
  });

  it('a plugin that replaces the batch with the same records forwards them intact', async () => {
    const harness = await start({ path: await guestFile({ process: 'echo' }), workers: 0 }, 'logs');
    const sent = await harness.send(sampleLogsBatch());
    assert.deepStrictEqual(
      harness.received.map((batch) => ({ ...batch })),
      [sampleLogsBatch()],
    );
    assertAccounted(harness, sent);
  });
});

describe('plugins that cannot start', { skip }, () => {
  it('a configure error stops the processor with the plugin message', async () => {
    await assert.rejects(
      start({ path: await guestFile({ configure: 'reject' }), config: { threshold: 'höch' } }),
      (error: Error) =>
        error.message.includes(
          `The plugin rejected its config: The plugin failed in configure: ${CONFIGURE_REJECTION}`,
        ),
    );
  });

  it('a configure that never returns times out', async () => {
    await assert.rejects(
      start({ path: await guestFile({ configure: 'loop' }), timeout: '200ms' }),
      /The plugin rejected its config: The plugin timed out in configure: no answer within 200 ms/,
    );
  });

  it('a plugin built for another contract version is refused, naming both versions', async () => {
    await assert.rejects(
      start({ path: await guestFile({ contractVersion: '1.0.0' }) }),
      /was built for contract 1\.0\.0; this host speaks contract 0\.2\.0 and runs plugins built for 0\.2\.0 to 0\.2\.0/,
    );
  });

  it('a plugin that does not handle the pipeline signal is refused', async () => {
    await assert.rejects(
      start({ path: await guestFile({ signals: ['metrics'] }) }, 'logs'),
      /handles metrics, not logs/,
    );
  });

  it('bad modules are refused with their reason', async () => {
    const notWasm = join(directory, 'not-wasm.wasm');
    await writeFile(notWasm, '#!/bin/sh\n');
    await assert.rejects(start({ path: notWasm }), /not a WebAssembly module/);
    const whole = await buildGuest({});
    const truncated = join(directory, 'truncated.wasm');
    await writeFile(truncated, whole.subarray(0, whole.length - 5));
    await assert.rejects(start({ path: truncated }), /the module is truncated/);
    await assert.rejects(start({ path: await guestFile({}), sha256: '0'.repeat(64) }), /but the config pins 0{64}/);
    await assert.rejects(
      start({
        path: await guestFile({
          imports: [
            '(import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))',
          ],
        }),
      }),
      /imports "wasi_snapshot_preview1\.path_open"/,
    );
    await assert.rejects(
      start({ path: await guestFile({ guestCallExport: 'call' }) }),
      /does not export the function "__guest_call"/,
    );
    await assert.rejects(
      start({ path: await guestFile({ memory: { minimum: 100 } }), max_memory: '1MiB' }),
      /declares a minimum of 6400KiB \(100 pages\), above max_memory \(1MiB \(16 pages\)\)/,
    );
  });
});
