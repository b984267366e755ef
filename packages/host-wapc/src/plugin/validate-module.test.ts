// Validation before instantiation: magic bytes, truncation, the sha256 pin, the import
// allow-list, required exports and the memory ceiling (refused minimum, rewritten maximum).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { skipWithoutWat2wasm } from '../testing/wat.ts';
import { buildGuest } from '../testing/wat-guests.ts';
import { limitMemory, PAGE_BYTES } from './memory-limit.ts';
import { preparePlugin, sha256Hex } from './validate-module.ts';

const MiB = 1024 * 1024;

describe('preparePlugin', { skip: skipWithoutWat2wasm() }, () => {
  it('refuses bytes that are not WebAssembly', async () => {
    await assert.rejects(
      preparePlugin(new TextEncoder().encode('#!/bin/sh\necho hi\n')),
      /The plugin is not a WebAssembly module \(it does not start with "\\0asm"\)\./,
    );
  });

  it('refuses a truncated module, naming the section that is cut short', async () => {
    const bytes = await buildGuest({});
    await assert.rejects(
      preparePlugin(bytes.subarray(0, bytes.length - 10)),
      /The plugin was refused: the module is truncated: section 11 at byte \d+ declares \d+ bytes, but only \d+ remain\./,
    );
  });

  it('checks the sha256 pin, in either case', async () => {
    const bytes = await buildGuest({});
    const digest = await sha256Hex(bytes);
    await preparePlugin(bytes, { sha256: digest.toUpperCase() });
    await assert.rejects(
      preparePlugin(bytes, { sha256: 'ab'.repeat(32) }),
      new RegExp(`the module's SHA-256 is ${digest}, but the config pins ${'ab'.repeat(32)}`),
    );
  });

  it('refuses imports outside the allow-list, naming each', async () => {
    const pathOpen =
      '(import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))';
    await assert.rejects(
      preparePlugin(await buildGuest({ imports: [pathOpen] })),
      /imports "wasi_snapshot_preview1\.path_open" \(function\), which this host does not offer; plugins may import only fd_write, clock_time_get, args_sizes_get, args_get, environ_sizes_get, environ_get, proc_exit, random_get/,
    );
    await assert.rejects(
      preparePlugin(await buildGuest({ imports: ['(import "env" "abort" (func (param i32 i32 i32 i32)))'] })),
      /imports "env\.abort" \(function\); plugins may import only from "wapc" and "wasi_snapshot_preview1"/,
    );
    await assert.rejects(
      preparePlugin(await buildGuest({ imports: ['(import "wapc" "open_file" (func))'] })),
      /"wapc\.open_file" \(function\), which is not a waPC protocol function/,
    );
  });

  it('accepts every WASI function TinyGo imports', async () => {
    await preparePlugin(await buildGuest({ start: 'tinygo' }));
  });

  it('refuses a module without __guest_call', async () => {
    await assert.rejects(
      preparePlugin(await buildGuest({ guestCallExport: 'guest_call' })),
      /the module does not export the function "__guest_call"/,
    );
  });

  it('refuses a module whose declared minimum memory is above max_memory', async () => {
    await assert.rejects(
      preparePlugin(await buildGuest({ memory: { minimum: 300 } }), { maxMemoryBytes: 16 * MiB }),
      /memory 0 declares a minimum of 19200KiB \(300 pages\), above max_memory \(16MiB \(256 pages\)\)/,
    );
  });

  it('caps the maximum at max_memory, so growth past it fails', async () => {
    const uncapped = await buildGuest({ memory: { minimum: 2 } });
    const { bytes, memory } = await preparePlugin(uncapped, { maxMemoryBytes: 4 * MiB });
    assert.deepEqual(memory.minimumPages, [2]);
    assert.deepEqual(memory.maximumPages, [undefined]);
    assert.equal(memory.ceilingPages, 64);
    const exported = await instantiateMemory(bytes);
    exported.grow(62);
    assert.equal(exported.buffer.byteLength, 64 * PAGE_BYTES);
    assert.throws(() => exported.grow(1), RangeError, 'growing past the ceiling fails');
  });

  it('keeps a declared maximum below the ceiling, and lowers one above it', async () => {
    const low = limitMemory(await buildGuest({ memory: { minimum: 1, maximum: 8 } }), 16 * MiB);
    assert.deepEqual([low.maximumPages, (await instantiateMemory(low.bytes)).grow(7)], [[8], 1]);
    const high = limitMemory(await buildGuest({ memory: { minimum: 1, maximum: 1000 } }), MiB);
    const memory = await instantiateMemory(high.bytes);
    memory.grow(15);
    assert.throws(() => memory.grow(1), RangeError);
  });
});

/** Instantiates a test guest with do-nothing imports and returns its memory. */
async function instantiateMemory(bytes: Uint8Array): Promise<WebAssembly.Memory> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const imports: Record<string, Record<string, () => number>> = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    imports[from] ??= {};
    (imports[from] as Record<string, () => number>)[name] = () => 0;
  }
  const instance = await WebAssembly.instantiate(module, imports);
  return instance.exports['memory'] as WebAssembly.Memory;
}
