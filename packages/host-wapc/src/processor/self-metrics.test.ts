// The processor's self-metrics as an OpenTelemetry meter sees them: names from METRICS.md, each
// point with component.id and signal, the call duration as a histogram in milliseconds.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sampleLogsBatch } from '../testing/fixtures.ts';
import { startProcessor } from '../testing/processor-harness.ts';
import { RecordingMeter } from '../testing/recording-meter.ts';
import { until } from '../testing/until.ts';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest } from '../testing/wat-guests.ts';

const skip = skipWithoutWat2wasm();
let directory = '';
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-self-metrics-'));
});
after(() => rm(directory, { recursive: true, force: true }));

describe('wasm processor self-metrics', { skip }, () => {
  it('records calls, errors, traps, restarts, drops and durations with component.id and signal', async () => {
    const path = join(directory, 'trap.wasm');
    await writeFile(path, await buildGuest({ process: 'trap' }));
    const recording = new RecordingMeter();
    const harness = await startProcessor(
      { path, on_error: 'drop' },
      { directory, signal: 'logs', id: 'wasm/metrics', meter: recording.meter },
    );
    try {
      for (let index = 0; index < 3; index++) await harness.send(sampleLogsBatch());
      await until(() => recording.of('wasmpipe.plugin.restarts').length === 2, 'two restarts');
    } finally {
      await harness.processor.shutdown?.();
    }
    const attributes = { 'component.id': 'wasm/metrics', signal: 'logs' };
    const total = (name: string) => recording.of(name).reduce((sum, measurement) => sum + measurement.value, 0);
    for (const name of [
      'wasmpipe.plugin.calls',
      'wasmpipe.plugin.errors',
      'wasmpipe.plugin.traps',
      'wasmpipe.plugin.restarts',
      'wasmpipe.plugin.duration',
      'wasmpipe.processor.dropped',
    ]) {
      assert.ok(recording.of(name).length > 0, `${name} was recorded`);
      for (const measurement of recording.of(name)) assert.deepEqual(measurement.attributes, attributes, name);
    }
    assert.equal(total('wasmpipe.plugin.calls'), 3);
    assert.equal(total('wasmpipe.plugin.traps'), 3);
    assert.equal(total('wasmpipe.plugin.restarts'), 2);
    assert.equal(total('wasmpipe.processor.dropped'), 6);
    const durations = recording.of('wasmpipe.plugin.duration');
    assert.equal(durations.length, 3);
    assert.ok(durations.every((measurement) => measurement.kind === 'histogram' && measurement.value > 0));
    assert.equal(recording.of('wasmpipe.plugin.timeouts').length, 0, 'nothing timed out');
  });
});
