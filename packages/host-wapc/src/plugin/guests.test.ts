// Standard waPC guests of every shape, in this thread and in a worker: TinyGo (WASI imports,
// `_start` ending in proc_exit(0)), Rust wapc-guest (`wapc_init`), a WASI reactor
// (`_initialize`); the inert WASI stubs; and the fixes to @wapc/host.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { createLogger } from '@wasmpipe/core';
import { sampleMetricsBatch } from '../testing/fixtures.ts';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest } from '../testing/wat-guests.ts';
import { isPluginTrap, WapcPlugin, type WapcPluginOptions } from './wapc-plugin.ts';

const skip = skipWithoutWat2wasm();

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const [mode, workers] of [
  ['in this thread', 0],
  ['in a worker', 1],
] as const) {
  const load = async (bytes: Uint8Array, options: WapcPluginOptions = {}) =>
    WapcPlugin.load(bytes, { workers, timeoutMs: 5000, ...options });

  describe(`standard guests ${mode}`, { skip }, () => {
    it('runs a TinyGo-shaped guest: WASI imports, _start ending in proc_exit(0), output to the log', async () => {
      const { lines, logger } = capture();
      const plugin = await load(await buildGuest({ start: 'tinygo' }), { logger });
      try {
        assert.equal((await plugin.describe()).name, 'wat-guest');
        const batch = sampleMetricsBatch();
        assert.deepStrictEqual(await plugin.processMetrics(batch), sampleMetricsBatch());
        await until(() => lines.some((line) => line.includes('tinygo runtime started')), 'the _start output');
        assert.match(lines.find((line) => line.includes('tinygo runtime started')) ?? '', /stream=stdout/);
      } finally {
        await plugin.close();
      }
    });

    it('runs a Rust wapc-guest-shaped guest (wapc_init) and a WASI reactor (_initialize)', async () => {
      for (const start of ['wapc_init', 'initialize'] as const) {
        const plugin = await load(await buildGuest({ start }));
        try {
          assert.equal((await plugin.describe()).name, 'wat-guest', start);
        } finally {
          await plugin.close();
        }
      }
    });

    it('answers WASI with inert stubs: no args, no environment, a zero clock, random bytes', async () => {
      const { lines, logger } = capture();
      const plugin = await load(await buildGuest({ start: 'tinygo' }), { logger });
      try {
        const answer = await plugin.call('probe_wasi', new Uint8Array(0));
        const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
        assert.deepEqual(
          [0, 4, 8, 12].map((offset) => view.getUint32(offset, true)),
          [0, 0, 0, 0],
        );
        assert.equal(view.getBigUint64(16, true), 0n, 'the clock reads 0 unless granted');
        assert.ok(
          answer.subarray(24, 40).some((byte) => byte !== 0),
          'random_get fills the buffer',
        );
        await until(() => lines.some((line) => line.includes('hello from wasi')), 'the fd_write output');
      } finally {
        await plugin.close();
      }
    });

    it('reads the real clock through WASI when the config grants it', async () => {
      const plugin = await load(await buildGuest({ start: 'tinygo' }), { clock: 'real' });
      try {
        const answer = await plugin.call('probe_wasi', new Uint8Array(0));
        const nanos = new DataView(answer.buffer, answer.byteOffset).getBigUint64(16, true);
        const now = BigInt(Date.now()) * 1_000_000n;
        assert.ok(nanos > now - 60_000_000_000n && nanos < now + 60_000_000_000n, `${nanos} is near ${now}`);
      } finally {
        await plugin.close();
      }
    });

    it('turns proc_exit during a call into a trap, then serves the next call from a fresh instance', async () => {
      let restarts = 0;
      const plugin = await load(await buildGuest({ start: 'tinygo', process: 'exit' }), {
        onRestart: () => restarts++,
      });
      try {
        const error = await plugin.processMetrics(sampleMetricsBatch()).catch((caught: unknown) => caught);
        assert.ok(isPluginTrap(error), String(error));
        assert.match(String(error), /trapped in process_metrics: The plugin called proc_exit\(3\)/);
        assert.equal((await plugin.describe()).name, 'wat-guest');
        assert.equal(restarts, 1);
      } finally {
        await plugin.close();
      }
    });

    it('gives the guest a non-ASCII host error whole (its length in UTF-8 bytes)', async () => {
      const plugin = await load(await buildGuest({}));
      try {
        const message = new TextDecoder().decode(await plugin.call('probe_host_error', new Uint8Array(0)));
        assert.equal(
          message,
          'Host call refused: this host has no operation "nöpe"; it serves log, metric, state_get, state_set, state_delete, clock.',
        );
      } finally {
        await plugin.close();
      }
    });

    it("hands the guest's own error message back, non-ASCII included", async () => {
      const plugin = await load(await buildGuest({ configure: 'reject' }));
      try {
        await assert.rejects(
          plugin.configure({ threshold: 'höch' }),
          /failed in configure: Option "threshold" must be a number, got "höch"\./,
        );
      } finally {
        await plugin.close();
      }
    });

    it('hands the plugin its config as msgpack', async () => {
      const plugin = await load(await buildGuest({}));
      try {
        const config = { include: ['nginx.*'], threshold: 0.5, nested: { on: true } };
        await plugin.configure(config);
        assert.deepEqual(decode(await plugin.call('probe_config', new Uint8Array(0))), config);
      } finally {
        await plugin.close();
      }
    });
  });
}
