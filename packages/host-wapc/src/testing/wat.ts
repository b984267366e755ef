// Compiles WebAssembly text with wabt's `wat2wasm` (Debian package `wabt`) at test time, so tests
// can run guests shaped like TinyGo's and Rust's without those toolchains. Missing wat2wasm skips
// the tests that need it, except under CI, where it is a failure.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

const cache = new Map<string, Promise<Uint8Array>>();

function run(program: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(program, args, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** True when `wat2wasm` runs on this machine. */
export const wat2wasmAvailable: boolean = (await run('wat2wasm', ['--version'])).code === 0;

/** The `skip` option for tests that need wat2wasm: false when present; under CI its absence fails. */
export function skipWithoutWat2wasm(): false | string {
  if (wat2wasmAvailable) return false;
  if (process.env['CI']) throw new Error('wat2wasm (Debian package wabt) is required under CI and is missing.');
  return 'wat2wasm (Debian package wabt) is not installed';
}

/** Compiles WebAssembly text to a module's bytes (cached per text). */
export function compileWat(text: string): Promise<Uint8Array> {
  let compiled = cache.get(text);
  if (!compiled) {
    compiled = (async () => {
      const directory = await mkdtemp(join(tmpdir(), 'wasmpipe-wat-'));
      try {
        await writeFile(join(directory, 'guest.wat'), text);
        const { code, output } = await run('wat2wasm', [
          join(directory, 'guest.wat'),
          '-o',
          join(directory, 'guest.wasm'),
        ]);
        if (code !== 0) throw new Error(`wat2wasm failed:\n${output}\n${text}`);
        return new Uint8Array(await readFile(join(directory, 'guest.wasm')));
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    })();
    cache.set(text, compiled);
  }
  return compiled;
}
