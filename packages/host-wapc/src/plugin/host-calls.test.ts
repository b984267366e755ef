// The host functions, called as a guest would (msgpack payloads as contracts/README.md gives them).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { createLogger, getPlatform, silentLogger } from '@wasmpipe/core';
import { StateStore } from '../state/state-store.ts';
import { RecordingMeter } from '../testing/recording-meter.ts';
import { createHostCallHandler } from './host-calls.ts';
import { PluginMetrics } from './plugin-metrics.ts';

async function setup() {
  const lines: string[] = [];
  const recording = new RecordingMeter();
  const state = await StateStore.open({ platform: getPlatform(), logger: silentLogger });
  const call = createHostCallHandler({
    logger: createLogger({ level: 'debug', write: (line) => lines.push(line), fields: { 'component.id': 'wasm/x' } }),
    metrics: new PluginMetrics('wasm/x', recording.meter),
    state,
  });
  const host = (operation: string, payload?: unknown) =>
    call('wasmpipe', 'v0', operation, payload === undefined ? new Uint8Array(0) : encode(payload));
  return { lines, recording, state, host, call };
}

describe('host functions', () => {
  it('log writes to the component logger at the level asked, tagged as plugin output', async () => {
    const { lines, host } = await setup();
    assert.deepEqual(host('log', { level: 3, message: 'Lookup table is empty.' }), new Uint8Array(0));
    host('log', { level: 0, message: 'details' });
    assert.match(lines[0] ?? '', /ERROR Lookup table is empty\. component\.id=wasm\/x source=plugin/);
    assert.match(lines[1] ?? '', /DEBUG details/);
    assert.throws(
      () => host('log', { level: 9, message: 'x' }),
      /"log" host call is malformed: level should be a LogLevel code/,
    );
  });

  it('metric records counters, gauges and histograms under the plugin id, with its attributes', async () => {
    const { recording, host } = await setup();
    host('metric', { kind: 0, name: 'masked', value: 3, attributes: { kind: 'ip' } });
    host('metric', { kind: 0, name: 'masked', value: 2, attributes: { kind: 'ip' } });
    host('metric', { kind: 1, name: 'table.size', value: 42 });
    host('metric', { kind: 2, name: 'lookup.ms', value: 0.25 });
    recording.collect();
    assert.deepEqual(
      recording.of('wasmpipe.plugin.custom.masked').map((m) => [m.kind, m.value, m.attributes]),
      [
        ['counter', 3, { 'component.id': 'wasm/x', kind: 'ip' }],
        ['counter', 2, { 'component.id': 'wasm/x', kind: 'ip' }],
      ],
    );
    assert.deepEqual(
      recording.of('wasmpipe.plugin.custom.table.size').map((m) => [m.kind, m.value]),
      [['gauge', 42]],
    );
    assert.deepEqual(
      recording.of('wasmpipe.plugin.custom.lookup.ms').map((m) => [m.kind, m.value]),
      [['histogram', 0.25]],
    );
  });

  it('metric refuses bad names, negative counters and a name reused as another kind', async () => {
    const { host } = await setup();
    assert.throws(
      () => host('metric', { kind: 0, name: 'has space', value: 1 }),
      /Metric name "has space" is not valid/,
    );
    assert.throws(() => host('metric', { kind: 0, name: 'c', value: -1 }), /Counter "c" cannot add a negative value/);
    host('metric', { kind: 0, name: 'x', value: 1 });
    assert.throws(
      () => host('metric', { kind: 1, name: 'x', value: 1 }),
      /Metric "x" is a counter; it cannot be used as a gauge/,
    );
  });

  it('state_get, state_set and state_delete keep bytes per key', async () => {
    const { host, state } = await setup();
    assert.deepEqual(host('state_get', 'seen'), new Uint8Array([0xc0]), 'nil when absent');
    assert.deepEqual(host('state_set', { key: 'seen', value: new Uint8Array([1, 2, 3]) }), new Uint8Array(0));
    assert.deepEqual(decode(host('state_get', 'seen')), new Uint8Array([1, 2, 3]));
    host('state_delete', 'seen');
    host('state_delete', 'never-set');
    assert.equal(state.size, 0);
    assert.throws(
      () => host('state_set', { key: 'big', value: new Uint8Array(1024 * 1024 + 1) }),
      /A state value may have at most 1048576 bytes; this one has 1048577\./,
    );
    assert.throws(() => host('state_set', { key: 'k', value: 'text' }), /value should be bytes/);
  });

  it('clock answers unix nanoseconds as a msgpack uint64', async () => {
    const { host } = await setup();
    const answer = host('clock');
    assert.equal(answer[0], 0xcf);
    const nanos = new DataView(answer.buffer, answer.byteOffset).getBigUint64(1, false);
    const now = BigInt(Date.now()) * 1_000_000n;
    assert.ok(nanos > now - 5_000_000_000n && nanos < now + 5_000_000_000n);
  });

  it('refuses other bindings, unknown operations and payloads that are not msgpack', async () => {
    const { call, host } = await setup();
    assert.throws(
      () => call('wasi', 'fs', 'open', new Uint8Array(0)),
      /Host call refused: binding "wasi", namespace "fs", operation "open"\. This host serves binding "wasmpipe", namespace "v0"\./,
    );
    assert.throws(() => host('exec'), /this host has no operation "exec"; it serves log, metric, state_get/);
    assert.throws(() => call('wasmpipe', 'v0', 'log', new Uint8Array([0xc1])), /The host call payload is not msgpack/);
  });
});
