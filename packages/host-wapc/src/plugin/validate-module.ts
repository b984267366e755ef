// Checks a module before anything in it runs: magic bytes, the sha256 pin, its structure and
// memory (capped at the ceiling), and its interface (required exports, imports only from the
// allow-list: the waPC protocol functions and the inert WASI stubs).

import { permanentError } from '@wasmpipe/core';
import { WAPC_IMPORTS } from './contract.ts';
import { formatPages, limitMemory, MemoryLimitError, type MemoryLimitResult } from './memory-limit.ts';
import { WASI_IMPORTS, WASI_MODULE } from './wasi.ts';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** The memory ceiling when the config sets none: 64MiB. */
export const DEFAULT_MAX_MEMORY_BYTES = 64 * 1024 * 1024;

/** True when the bytes start with the WebAssembly magic number `\0asm`. */
export function hasWasmMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((byte, index) => bytes[index] === byte);
}

/** The SHA-256 digest of the bytes, as lowercase hex (web-standard crypto.subtle). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A message when the bytes do not match the pinned digest, else undefined. */
export async function checkSha256(bytes: Uint8Array, pinned: string): Promise<string | undefined> {
  const actual = await sha256Hex(bytes);
  if (actual === pinned.toLowerCase()) return undefined;
  return `the module's SHA-256 is ${actual}, but the config pins ${pinned.toLowerCase()}`;
}

/** Every way the module's imports and exports break the contract, as messages. */
export function checkModuleInterface(module: WebAssembly.Module): string[] {
  const problems: string[] = [];
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    const allowed = from === 'wapc' ? WAPC_IMPORTS : from === WASI_MODULE ? WASI_IMPORTS : undefined;
    if (!allowed) {
      problems.push(
        `the module imports "${from}.${name}" (${kind}); plugins may import only from "wapc" and "${WASI_MODULE}"`,
      );
    } else if (!allowed.has(name) || kind !== 'function') {
      problems.push(
        from === 'wapc'
          ? `the module imports "wapc.${name}" (${kind}), which is not a waPC protocol function`
          : `the module imports "${from}.${name}" (${kind}), which this host does not offer; ` +
              `plugins may import only ${[...WASI_IMPORTS].join(', ')} from "${WASI_MODULE}"`,
      );
    }
  }
  const exports = new Map(WebAssembly.Module.exports(module).map(({ name, kind }) => [name, kind]));
  if (exports.get('__guest_call') !== 'function')
    problems.push('the module does not export the function "__guest_call"');
  if (exports.get('memory') !== 'memory') problems.push('the module does not export its "memory"');
  return problems;
}

/** Options of {@link preparePlugin}. */
export interface PrepareOptions {
  sha256?: string;
  /** The memory ceiling in bytes; defaults to {@link DEFAULT_MAX_MEMORY_BYTES}. */
  maxMemoryBytes?: number;
}

/** A module ready to instantiate: compiled from `bytes`, the original with its memory capped. */
export interface PreparedPlugin {
  module: WebAssembly.Module;
  bytes: Uint8Array;
  memory: MemoryLimitResult;
}

/** Which check refused a module: the config option it concerns follows from it. */
export type RefusalStage = 'sha256' | 'memory' | 'module';

/** The stage of a {@link preparePlugin} refusal, or undefined for any other error. */
export function refusalStage(error: unknown): RefusalStage | undefined {
  return typeof error === 'object' && error !== null ? (error as { stage?: RefusalStage }).stage : undefined;
}

function refused(stage: RefusalStage, message: string, cause?: unknown): Error {
  return Object.assign(permanentError(message, cause), { stage });
}

/** Checks, caps and compiles a module; throws one error listing every problem. */
export async function preparePlugin(bytes: Uint8Array, options: PrepareOptions = {}): Promise<PreparedPlugin> {
  if (!hasWasmMagic(bytes))
    throw refused('module', 'The plugin is not a WebAssembly module (it does not start with "\\0asm").');
  if (options.sha256) {
    const mismatch = await checkSha256(bytes, options.sha256);
    if (mismatch) throw refused('sha256', `The plugin was refused: ${mismatch}.`);
  }
  let memory: MemoryLimitResult;
  try {
    memory = limitMemory(bytes, options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES);
  } catch (error) {
    if (!(error instanceof MemoryLimitError)) throw error;
    const stage = error.message.includes('max_memory') ? 'memory' : 'module';
    throw refused(stage, `The plugin was refused: ${error.message}.`);
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(memory.bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw refused(
      'module',
      `The plugin does not compile: ${error instanceof Error ? error.message : String(error)}.`,
      error,
    );
  }
  const problems = checkModuleInterface(module);
  if (problems.length > 0) throw refused('module', `The plugin was refused: ${problems.join('; ')}.`);
  return { module, bytes: memory.bytes, memory };
}

/** Checks and compiles a module (see {@link preparePlugin}). */
export async function compilePlugin(bytes: Uint8Array, options: PrepareOptions = {}): Promise<WebAssembly.Module> {
  return (await preparePlugin(bytes, options)).module;
}

/** "64MiB (1024 pages)": a memory size as the messages and `plugin inspect` show it. */
export { formatPages };
