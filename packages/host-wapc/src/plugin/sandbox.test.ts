// The plugin sandbox, proved with guests that try to get out (WebAssembly text built with
// wat2wasm): a module importing a file, socket, polling or environment function is refused before
// anything of it runs; the WASI functions the host does offer hand out nothing real (no
// environment, no arguments, a zero clock, no file descriptors); host calls other than the
// contract's are refused; the memory ceiling and the timeout hold; a wrong sha256 never runs.

import assert from 'node:assert/strict';
import process from 'node:process';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { createLogger } from '@wasmpipe/core';
import { reliabilityCase } from '../../../core/src/testing/fuzz.test-support.ts';
import { CONTRACT_VERSION } from '../generated/contract.ts';
import { sampleMetricsBatch } from '../testing/fixtures.ts';
import { until } from '../testing/until.ts';
import { compileWat, skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest } from '../testing/wat-guests.ts';
import { sha256Hex } from './validate-module.ts';
import { isPluginTrap, WapcPlugin } from './wapc-plugin.ts';

const skip = skipWithoutWat2wasm();
const AREA = 'plugin sandbox';
const STARTED = 'START RAN';
const check = (name: string, body: () => Promise<string | undefined> | string | undefined) =>
  reliabilityCase('sandbox', name, AREA, body);

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

/** Bytes as a WAT data string. */
const watBytes = (bytes: Uint8Array) => [...bytes].map((byte) => `\\${byte.toString(16).padStart(2, '0')}`).join('');
const wat = (text: string) => watBytes(new TextEncoder().encode(text));

/**
 * A prober: a minimal waPC guest (describe only) whose `_start` writes STARTED to stdout, plus
 * `extra` imports and, optionally, a start section that spins forever: if the host ever
 * instantiated it, loading would never finish.
 */
function prober(extra: string[], spin: boolean): string {
  const describe = encode({
    name: 'prober',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    signals: ['metrics'],
  });
  return `(module
  (import "wapc" "__guest_request" (func $guest_request (param i32 i32)))
  (import "wapc" "__guest_response" (func $guest_response (param i32 i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ${extra.join('\n  ')}
  (memory (export "memory") 1)
  (data (i32.const 0) "${watBytes(describe)}")
  (data (i32.const 512) "${wat(`${STARTED}\n`)}")
  ${spin ? '(func $spin (loop $forever (br $forever)))\n  (start $spin)' : ''}
  (func (export "_start")
    (i32.store (i32.const 256) (i32.const 512)) (i32.store (i32.const 260) (i32.const ${STARTED.length + 1}))
    (drop (call $fd_write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 264)))
    (call $proc_exit (i32.const 0)))
  (func (export "__guest_call") (param i32 i32) (result i32)
    (call $guest_request (i32.const 1024) (i32.const 2048))
    (call $guest_response (i32.const 0) (i32.const ${describe.length}))
    (i32.const 1)))`;
}

/** Loads in a worker, so a module that ran and spun would be reported rather than hang the test. */
async function loadOrTimeout(bytes: Uint8Array, options: Parameters<typeof WapcPlugin.load>[1]): Promise<WapcPlugin> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('The load did not finish in 20 s: the module ran.')), 20_000);
  });
  try {
    return await Promise.race([WapcPlugin.load(bytes, { workers: 1, timeoutMs: 5000, ...options }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// What a guest would import to reach files, sockets, the environment beyond the stubs, or to wait.
const FORBIDDEN: [string, string][] = [
  [
    'path_open (files)',
    '(import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))',
  ],
  [
    'fd_read (reading an inherited descriptor)',
    '(import "wasi_snapshot_preview1" "fd_read" (func (param i32 i32 i32 i32) (result i32)))',
  ],
  [
    'fd_prestat_get (listing pre-opened directories)',
    '(import "wasi_snapshot_preview1" "fd_prestat_get" (func (param i32 i32) (result i32)))',
  ],
  ['sock_accept (network)', '(import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))'],
  [
    'sock_send (network)',
    '(import "wasi_snapshot_preview1" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))',
  ],
  [
    'sock_open (WasmEdge sockets)',
    '(import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))',
  ],
  [
    'poll_oneoff (timers and waiting)',
    '(import "wasi_snapshot_preview1" "poll_oneoff" (func (param i32 i32 i32 i32) (result i32)))',
  ],
  ['env.getenv (an Emscripten-style import)', '(import "env" "getenv" (func (param i32) (result i32)))'],
  [
    'wasi_unstable.path_open (older WASI)',
    '(import "wasi_unstable" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))',
  ],
  ['wapc.__fetch (a function waPC does not define)', '(import "wapc" "__fetch" (func (param i32 i32) (result i32)))'],
];

describe('plugin sandbox', { skip }, () => {
  it('the prober itself loads and its _start runs (so the marker below can fail)', async () => {
    await check('control: an allowed prober loads and its _start output reaches the log', async () => {
      const { lines, logger } = capture();
      const plugin = await loadOrTimeout(await compileWat(prober([], false)), { logger });
      try {
        assert.equal((await plugin.describe()).name, 'prober');
        await until(() => lines.some((line) => line.includes(STARTED)), 'the _start output');
      } finally {
        await plugin.close();
      }
      return undefined;
    });
  });

  for (const [what, line] of FORBIDDEN) {
    it(`refuses a module importing ${what} before any of it runs`, async () => {
      await check(`a module importing ${what} is refused; neither its start section nor _start runs`, async () => {
        const { lines, logger } = capture();
        const bytes = await compileWat(prober([line], true));
        const error = await loadOrTimeout(bytes, { logger }).then(
          async (plugin) => {
            await plugin.close();
            return undefined;
          },
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof Error, `the module with ${what} was loaded`);
        assert.match(error.message, /import/i);
        assert.doesNotMatch(error.message, /did not finish/);
        assert.ok(!lines.some((logged) => logged.includes(STARTED)), 'the module ran');
        return error.message.split('\n')[0];
      });
    });
  }

  it('refuses a module whose sha256 does not match the pin; nothing of it runs', async () => {
    await check('a wrong sha256 pin: refused before instantiation, _start and start section never run', async () => {
      const { lines, logger } = capture();
      const bytes = await compileWat(prober([], true));
      const wrong = await sha256Hex(await compileWat(prober([], false)));
      const error = await loadOrTimeout(bytes, { logger, sha256: wrong }).catch((caught: unknown) => caught);
      assert.ok(error instanceof Error);
      assert.match(error.message, /sha256|SHA-256/i);
      assert.ok(!lines.some((logged) => logged.includes(STARTED)), 'the module ran');
      return undefined;
    });
  });

  it('stops a module whose start section never returns (the worker start time limit)', async () => {
    // Bun cannot stop a worker running WebAssembly (see src/isolation/capabilities.ts).
    if (process.env.WASMPIPE_TEST_RUNTIME === 'bun') return;
    await check(
      'an allowed module whose start section spins is refused after the worker start limit (10 s)',
      async () => {
        const started = performance.now();
        const error = await loadOrTimeout(await compileWat(prober([], true)), {}).catch((caught: unknown) => caught);
        const elapsed = performance.now() - started;
        assert.ok(error instanceof Error);
        assert.match(error.message, /did not start within/);
        return `refused after ${(elapsed / 1000).toFixed(1)} s`;
      },
    );
  });

  it('hands out no environment and no arguments, however much the host process has', async () => {
    await check('WASI environ_get/args_get write nothing; environ/args sizes are 0', async () => {
      assert.ok(Object.keys(process.env).length > 0, 'the host has an environment to leak');
      const plugin = await loadOrTimeout(await buildGuest({ start: 'tinygo' }), {});
      try {
        const answer = await plugin.call('probe_wasi', new Uint8Array(0));
        const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
        assert.deepEqual(
          [0, 4, 8, 12].map((offset) => view.getUint32(offset, true)),
          [0, 0, 0, 0],
        );
        assert.equal(view.getBigUint64(16, true), 0n, 'the WASI clock reads 0 unless granted');
      } finally {
        await plugin.close();
      }
      return undefined;
    });
  });

  it('environ_get, args_get, clocks and fd_write to other descriptors leave guest memory untouched', async () => {
    await check('WASI stubs: environ_get/args_get fill nothing, every clock reads 0, fd 0/3/4 are EBADF', async () => {
      const stubs = await compileWat(stubProber());
      const plugin = await loadOrTimeout(stubs, {});
      try {
        const answer = await plugin.call('probe', new Uint8Array(0));
        const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
        // [0, 256): the buffers handed to environ_get and args_get, pre-filled with 0xaa.
        assert.ok(
          answer.subarray(0, 256).every((byte) => byte === 0xaa),
          'environ_get or args_get wrote into the guest',
        );
        // [256, 288): clocks 0-3.
        for (let clock = 0; clock < 4; clock++) assert.equal(view.getBigUint64(256 + 8 * clock, true), 0n);
        // [288, 300): fd_write errno for fds 0, 3 and 4 (EBADF = 8).
        assert.deepEqual(
          [0, 4, 8].map((offset) => view.getUint32(288 + offset, true)),
          [8, 8, 8],
        );
      } finally {
        await plugin.close();
      }
      return undefined;
    });
  });

  it('refuses host calls outside the contract (files, environment, network)', async () => {
    await check('host calls read_file / getenv / http_get / another binding are refused', async () => {
      const plugin = await loadOrTimeout(await compileWat(hostCallProber()), {});
      try {
        const answer = await plugin.call('probe', new Uint8Array(0));
        // One result per call: 1 = the host answered, 0 = it refused.
        assert.deepEqual([...answer.subarray(0, 4)], [0, 0, 0, 0]);
        const error = new TextDecoder().decode(answer.subarray(4));
        assert.doesNotMatch(error, /root:|PATH=|HOME=/);
      } finally {
        await plugin.close();
      }
      return undefined;
    });
  });

  it('holds the memory ceiling: growth past max_memory traps the call', async () => {
    await check(
      'memory ceiling: a guest growing past max_memory (1 MiB) traps; the next call gets a fresh instance',
      async () => {
        const plugin = await loadOrTimeout(await buildGuest({ process: 'grow' }), { maxMemoryBytes: 1024 * 1024 });
        try {
          const error = await plugin.processMetrics(sampleMetricsBatch()).catch((caught: unknown) => caught);
          assert.ok(isPluginTrap(error), String(error));
          assert.equal((await plugin.describe()).name, 'wat-guest');
        } finally {
          await plugin.close();
        }
        return undefined;
      },
    );
  });

  it('holds the timeout: a call that never returns is stopped', async () => {
    // Bun cannot stop a worker running WebAssembly (see src/isolation/capabilities.ts).
    if (process.env.WASMPIPE_TEST_RUNTIME === 'bun') return;
    await check('timeout: a looping call is stopped after timeout (300 ms) and fails', async () => {
      const plugin = await WapcPlugin.load(await buildGuest({ process: 'loop' }), { workers: 1, timeoutMs: 300 });
      try {
        const started = performance.now();
        const error = await plugin.processMetrics(sampleMetricsBatch()).catch((caught: unknown) => caught);
        const elapsed = performance.now() - started;
        assert.ok(error instanceof Error);
        assert.match(error.message, /time|timed out/i);
        assert.ok(elapsed < 15_000, `stopped after ${elapsed.toFixed(0)} ms`);
        return `stopped after ${elapsed.toFixed(0)} ms`;
      } finally {
        await plugin.close();
      }
    });
  });
});

/**
 * Calls the WASI functions the host offers with buffers pre-filled with 0xaa, and answers what
 * they left: [0, 128) environ_get's buffers, [128, 256) args_get's, [256, 288) clocks 0-3,
 * [288, 300) fd_write's errno for fds 0, 3 and 4.
 */
function stubProber(): string {
  return `(module
  (import "wapc" "__guest_request" (func $guest_request (param i32 i32)))
  (import "wapc" "__guest_response" (func $guest_response (param i32 i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 8192) "secret")
  (func (export "__guest_call") (param i32 i32) (result i32)
    (call $guest_request (i32.const 16384) (i32.const 16384))
    (memory.fill (i32.const 4096) (i32.const 0xaa) (i32.const 256))
    (drop (call $environ_get (i32.const 4096) (i32.const 4160)))
    (drop (call $args_get (i32.const 4224) (i32.const 4288)))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 4352)))
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 4360)))
    (drop (call $clock_time_get (i32.const 2) (i64.const 1) (i32.const 4368)))
    (drop (call $clock_time_get (i32.const 3) (i64.const 1) (i32.const 4376)))
    (i32.store (i32.const 8000) (i32.const 8192)) (i32.store (i32.const 8004) (i32.const 6))
    (i32.store (i32.const 4384) (call $fd_write (i32.const 0) (i32.const 8000) (i32.const 1) (i32.const 8008)))
    (i32.store (i32.const 4388) (call $fd_write (i32.const 3) (i32.const 8000) (i32.const 1) (i32.const 8008)))
    (i32.store (i32.const 4392) (call $fd_write (i32.const 4) (i32.const 8000) (i32.const 1) (i32.const 8008)))
    (call $guest_response (i32.const 4096) (i32.const 300))
    (i32.const 1)))`;
}

/**
 * Makes host calls the contract does not define and answers four result codes followed by the
 * last host error's text.
 */
function hostCallProber(): string {
  const strings: [number, string][] = [
    [0, 'wasmpipe'],
    [16, 'v0'],
    [32, 'read_file'],
    [48, '/etc/passwd'],
    [64, 'getenv'],
    [80, 'HOME'],
    [96, 'http_get'],
    [112, 'http://127.0.0.1:1/'],
    [144, 'fs'],
  ];
  const data = strings.map(([at, text]) => `(data (i32.const ${at}) "${wat(text)}")`).join('\n  ');
  const call = (binding: [number, number], operation: [number, number], payload: [number, number]) =>
    `(call $host_call (i32.const ${binding[0]}) (i32.const ${binding[1]}) (i32.const 16) (i32.const 2) (i32.const ${operation[0]}) (i32.const ${operation[1]}) (i32.const ${payload[0]}) (i32.const ${payload[1]}))`;
  return `(module
  (import "wapc" "__guest_request" (func $guest_request (param i32 i32)))
  (import "wapc" "__guest_response" (func $guest_response (param i32 i32)))
  (import "wapc" "__host_call" (func $host_call (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wapc" "__host_error_len" (func $host_error_len (result i32)))
  (import "wapc" "__host_error" (func $host_error (param i32)))
  (memory (export "memory") 1)
  ${data}
  (func (export "__guest_call") (param i32 i32) (result i32)
    (call $guest_request (i32.const 16384) (i32.const 16384))
    (i32.store8 (i32.const 4096) ${call([0, 8], [32, 9], [48, 11])})
    (i32.store8 (i32.const 4097) ${call([0, 8], [64, 6], [80, 4])})
    (i32.store8 (i32.const 4098) ${call([0, 8], [96, 8], [112, 19])})
    (i32.store8 (i32.const 4099) ${call([144, 2], [32, 9], [48, 11])})
    (call $host_error (i32.const 4100))
    (call $guest_response (i32.const 4096) (i32.add (i32.const 4) (call $host_error_len)))
    (i32.const 1)))`;
}
