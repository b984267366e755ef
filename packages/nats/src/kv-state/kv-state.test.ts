// The nats_kv plugin state store against a real nats-server: two stores on one bucket (two
// gateways) see each other's writes and deletes, limits hold, writes wait through an outage, and a
// stateful guest run by the real `wasm` processor on two "gateways" counts in one shared key.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CreateContext, createLogger, getPlatform, type Problem, Telemetry } from '@wasmpipe/core';
import { STATE_LIMITS, wasmProcessorWith } from '@wasmpipe/host-wapc';
import { sampleMetricsBatch } from '../../../host-wapc/src/testing/fixtures.ts';
import { skipWithoutWat2wasm } from '../../../host-wapc/src/testing/wat.ts';
import { buildGuest } from '../../../host-wapc/src/testing/wat-guests.ts';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
  waitFor,
} from '../testing/nats-server.test-support.ts';
import { natsKvStateBackend } from './backend.ts';
import { natsKvStateConfig } from './config.ts';
import { kvKey, NatsKvStateStore, pluginKey } from './kv-state-store.ts';

const skip = natsServerSkipReason();
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value ? new TextDecoder().decode(value) : undefined);

function context(id: string): { context: CreateContext; lines: string[]; telemetry: Telemetry } {
  const lines: string[] = [];
  const telemetry = new Telemetry();
  return {
    context: {
      id,
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
      telemetry: telemetry.forComponent(id),
      platform: getPlatform(),
      configDirectory: '.',
    },
    lines,
    telemetry,
  };
}

function options(input: Record<string, unknown>) {
  const problems: Problem[] = [];
  const parsed = natsKvStateConfig.parse(input, 'state', problems);
  assert.deepEqual(problems, []);
  if (!parsed) throw new Error('bad options');
  return parsed;
}

describe('kv keys', () => {
  it('keeps plain keys and encodes the others reversibly', () => {
    assert.equal(kvKey('calls'), 'calls');
    assert.equal(kvKey('x'.repeat(1024)), 'x'.repeat(1024));
    for (const key of ['a.b', 'host:web-1', 'é ü', '=x', '*', '>', '.'.repeat(1024)]) {
      const encoded = kvKey(key);
      assert.match(encoded, /^=[-\w]*$/);
      assert.equal(pluginKey(encoded), key);
    }
  });
});

describe('nats_kv state store', { skip }, () => {
  let server: NatsServer;
  const open: NatsKvStateStore[] = [];
  const openStore = async (id: string, extra: Record<string, unknown> = {}) => {
    const made = context(id);
    const store = await NatsKvStateStore.open(
      options({
        servers: [server.url],
        bucket: 'shared',
        reconnect_wait: '50ms',
        max_reconnect_wait: '500ms',
        ...extra,
      }),
      made.context,
    );
    open.push(store);
    return { store, ...made };
  };

  before(async () => {
    server = await startNatsServer();
  });
  after(async () => {
    await Promise.allSettled(open.map((store) => store.close()));
    await server?.stop();
  });

  it('two gateways on one bucket see each other’s writes and deletes after the watch', async () => {
    const { store: a } = await openStore('wasm/a');
    const { store: b } = await openStore('wasm/b');
    assert.ok(a.synced && b.synced);
    a.set('calls', bytes('1'));
    a.set('host:web-1 é', bytes('x'));
    assert.equal(text(a.get('calls')), '1', 'read-your-writes at once');
    await waitFor(() => text(b.get('calls')) === '1' && text(b.get('host:web-1 é')) === 'x', 'b sees a’s writes');
    b.set('calls', bytes('2'));
    await waitFor(() => text(a.get('calls')) === '2', 'a sees b’s later write (last writer wins)');
    a.delete('calls');
    assert.equal(a.get('calls'), undefined);
    await waitFor(() => b.get('calls') === undefined, 'b sees the delete');
    await a.flush();
    // A third gateway started later loads the bucket's contents before it serves.
    const { store: c } = await openStore('wasm/c');
    assert.equal(c.get('calls'), undefined);
    assert.equal(text(c.get('host:web-1 é')), 'x');
  });

  it('keeps the state limits', async () => {
    const { store } = await openStore('wasm/limits', { bucket: 'limits' });
    assert.throws(() => store.set('', bytes('x')), /1 to 1024 bytes/);
    assert.throws(() => store.set('k'.repeat(STATE_LIMITS.keyBytes + 1), bytes('x')), /1 to 1024 bytes/);
    assert.throws(() => store.set('big', new Uint8Array(STATE_LIMITS.valueBytes + 1)), /at most 1048576 bytes/);
    // 16 MiB in all: 17 values of 1,000,000 bytes do not fit.
    let refused = 0;
    for (let index = 0; index < 17; index++) {
      try {
        store.set(`v${index}`, new Uint8Array(1_000_000));
      } catch (error) {
        refused++;
        assert.match(String(error), /store is full/);
      }
    }
    assert.equal(refused, 1);
    await store.flush();
    assert.equal(store.pending, 0);
  });

  it('keeps writes while NATS is down and stores them when it is back', async () => {
    const { store: a, lines, telemetry } = await openStore('wasm/outage', { bucket: 'outage', write_timeout: '500ms' });
    a.set('before', bytes('1'));
    await a.flush();
    await server.down();
    a.set('during', bytes('2'));
    a.set('before', bytes('3'));
    assert.equal(text(a.get('during')), '2', 'reads still answer from the view');
    await waitFor(() => telemetry.value('wasm/outage', 'wasmpipe.plugin.state.write_failures') > 0, 'a write failed');
    assert.ok(a.pending >= 1);
    assert.ok(lines.some((line) => line.includes('Plugin state writes cannot reach NATS')));
    await server.restart();
    await waitFor(() => a.pending === 0, 'pending writes stored after the restart', 60_000);
    const { store: b } = await openStore('wasm/outage-b', { bucket: 'outage' });
    assert.equal(text(b.get('during')), '2');
    assert.equal(text(b.get('before')), '3');
    // The first store's watch follows the bucket again after the restart.
    b.set('after', bytes('4'));
    await waitFor(() => text(a.get('after')) === '4', 'a sees a write made after the restart', 60_000);
  });

  it('fails state calls, not the start, when NATS is not there', async () => {
    const made = context('wasm/down');
    const store = await NatsKvStateStore.open(
      options({ servers: ['nats://127.0.0.1:1'], bucket: 'nowhere', sync_timeout: '300ms', connect_timeout: '200ms' }),
      made.context,
    );
    try {
      assert.equal(store.synced, false);
      assert.throws(() => store.get('x'), /not loaded yet/);
      assert.throws(() => store.set('x', bytes('1')), /not loaded yet/);
    } finally {
      await store.close();
    }
  });
});

const guestSkip = skip || skipWithoutWat2wasm();

describe('a stateful guest through the wasm processor on two gateways', { skip: guestSkip }, () => {
  let server: NatsServer;
  let directory = '';
  before(async () => {
    server = await startNatsServer();
    directory = await mkdtemp(join(tmpdir(), 'wasmpipe-kv-guest-'));
    await writeFile(join(directory, 'host-calls.wasm'), await buildGuest({ process: 'host_calls' }));
  });
  after(async () => {
    await server?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('counts every batch of both gateways in one shared key', async () => {
    const definition = wasmProcessorWith({ stateBackends: [natsKvStateBackend] });
    const input = {
      path: 'host-calls.wasm',
      workers: 1,
      timeout: '30s',
      state: { backend: 'nats_kv', servers: [server.url], bucket: 'guest' },
    };
    const problems: Problem[] = [];
    const config = definition.config.parse(input, 'processors.wasm/count', problems);
    assert.deepEqual(problems, []);
    if (!config) return;
    const noop = { consumeMetrics: async () => undefined };
    const gateways = await Promise.all(
      [1, 2].map(() =>
        definition.create(
          config,
          { ...context(`wasm/count`).context, signal: 'metrics', configDirectory: directory },
          noop,
        ),
      ),
    );
    const [one, two] = gateways;
    const observer = await NatsKvStateStore.open(
      options({ servers: [server.url], bucket: 'guest' }),
      context('observer').context,
    );
    try {
      // Alternate gateways, waiting for each write to reach the other (the watch's latency): the
      // guest's read-modify-write then always starts from the latest count.
      for (let index = 0; index < 6; index++) {
        await (index % 2 === 0 ? one : two)?.consumeMetrics?.(sampleMetricsBatch());
        await waitFor(
          () => {
            const value = observer.get('calls');
            return value !== undefined && new DataView(value.buffer, value.byteOffset).getUint32(0, true) === index + 1;
          },
          `count ${index + 1} in the bucket`,
        );
      }
    } finally {
      await Promise.allSettled(gateways.map((gateway) => gateway.shutdown?.()));
      await observer.close();
    }
  });
});
