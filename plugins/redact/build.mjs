#!/usr/bin/env node
// Builds build/redact.wasm from c/*.c with clang (Debian's clang 14 and lld): freestanding wasm32,
// no libc, no WASI; the module imports only the waPC protocol functions. Without clang the build
// is skipped with a message, except under CI=true, where a missing toolchain fails the build.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const compiler = process.env.CC_WASM ?? 'clang';
const sources = readdirSync(join(root, 'c'))
  .filter((name) => name.endsWith('.c'))
  .sort()
  .map((name) => join('c', name));
const output = join('build', 'redact.wasm');

const flags = [
  '--target=wasm32',
  '-O2',
  '-std=c11',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-ffreestanding',
  '-nostdlib',
  '-mbulk-memory', // memcpy and memset become memory.copy and memory.fill
  '-Wl,--no-entry',
  '-Wl,-z,stack-size=65536',
  '-Wl,--strip-debug',
];

const probe = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  const message = `${compiler} is not installed; the redact plugin (C) needs clang and lld (apt-get install clang lld).`;
  if (process.env.CI) {
    console.error(message);
    process.exit(1);
  }
  console.warn(`${message} Skipping its build.`);
  process.exit(0);
}
mkdirSync(join(root, 'build'), { recursive: true });
const result = spawnSync(compiler, [...flags, '-o', output, ...sources], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`Building ${output} failed (${compiler} exited ${result.status ?? result.signal}).`);
  process.exit(1);
}
console.log(`Built ${output} with ${probe.stdout.split('\n')[0]}.`);
