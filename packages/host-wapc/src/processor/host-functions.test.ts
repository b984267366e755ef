// Host functions through the processor: a guest that logs, counts a metric and increments a
// counter in its state store on every batch, in this thread and in two workers sharing one store,
// with the store kept in a file across processor restarts.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { sampleMetricsBatch } from '../testing/fixtures.ts';
import { startProcessor } from '../testing/processor-harness.ts';
import { RecordingMeter } from '../testing/recording-meter.ts';
import { until } from '../testing/until.ts';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest } from '../testing/wat-guests.ts';

const skip = skipWithoutWat2wasm();
let directory = '';
let guest = '';

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-host-functions-'));
  guest = join(directory, 'host-calls.wasm');
  if (!skip) await writeFile(guest, await buildGuest({ process: 'host_calls' }));
});
after(() => rm(directory, { recursive: true, force: true }));

/** The guest's counter as it stored it: state key "calls", 4 bytes little-endian. */
function callsIn(stateFile: Uint8Array): number {
  const entries = decode(stateFile) as Record<string, Uint8Array>;
  const value = entries['calls'] as Uint8Array;
  return new DataView(value.buffer, value.byteOffset).getUint32(0, true);
}

describe('host functions through the processor', { skip }, () => {
  for (const workers of [0, 2]) {
    it(`log, metric and state work with workers: ${workers}${workers > 1 ? ' (one store for both)' : ''}`, async () => {
      const recording = new RecordingMeter();
      const stateFile = join(directory, `state-${workers}.bin`);
      const harness = await startProcessor(
        { path: guest, workers, state: { path: stateFile } },
        { directory, meter: recording.meter },
      );
      try {
        for (let index = 0; index < 6; index++) await harness.send(sampleMetricsBatch());
        assert.equal(harness.received.length, 6);
        await until(
          () => harness.lines.filter((line) => line.includes('Processed a batch.')).length === 6,
          'six log lines',
        );
        const logged = harness.lines.filter((line) => line.includes('Processed a batch.'));
        assert.match(logged[0] ?? '', /INFO +Processed a batch\. component\.id=wasm\/test source=plugin/);
        await until(() => recording.of('wasmpipe.plugin.custom.batches').length === 6, 'six metric points');
        assert.deepEqual(recording.of('wasmpipe.plugin.custom.batches')[0]?.attributes, {
          'component.id': 'wasm/test',
          guest: 'wat',
        });
      } finally {
        await harness.processor.shutdown?.();
      }
      assert.equal(callsIn(await readFile(stateFile)), 6, 'every call read and wrote the same store');
    });
  }

  it('keeps the state file across a processor restart', async () => {
    const stateFile = join(directory, 'restart.bin');
    for (const batches of [3, 2]) {
      const harness = await startProcessor({ path: guest, state: { path: stateFile } }, { directory });
      try {
        for (let index = 0; index < batches; index++) await harness.send(sampleMetricsBatch());
      } finally {
        await harness.processor.shutdown?.();
      }
    }
    assert.equal(callsIn(await readFile(stateFile)), 5);
  });
});
