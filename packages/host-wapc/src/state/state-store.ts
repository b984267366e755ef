// A plugin's key-value state store (the state_get / state_set / state_delete host calls). It
// belongs to the processor, not to an instance, so it survives traps, timeouts, worker restarts
// and hot reloads; all workers of a plugin share it. With a `path` it is also kept in a file
// (a msgpack map of key to bin), loaded at start and written atomically (temporary file, then
// rename) shortly after a change and at shutdown.

import { rename, writeFile } from 'node:fs/promises';
import { Decoder, Encoder } from '@msgpack/msgpack';
import { errorMessage, isPlainObject, type Logger, type Platform, permanentError } from '@wasmpipe/core';
import type { PluginStateStore } from './state-backend.ts';

/** Limits of one store. */
export const STATE_LIMITS = {
  keyBytes: 1024,
  valueBytes: 1024 * 1024,
  totalBytes: 16 * 1024 * 1024,
} as const;

/** Options of {@link StateStore.open}. */
export interface StateStoreOptions {
  /** Keep the store in this file; in memory only when absent. */
  path?: string;
  platform: Platform;
  logger: Logger;
  /** How long after a change the file is written, in milliseconds. */
  flushDelayMs?: number;
}

const encoder = new TextEncoder();

/** A plugin's key-value store in memory, optionally kept in a file (the `file` state backend). */
export class StateStore implements PluginStateStore {
  readonly #entries = new Map<string, Uint8Array>();
  readonly #path: string | undefined;
  readonly #logger: Logger;
  readonly #flushDelayMs: number;
  #bytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  private constructor(options: StateStoreOptions) {
    this.#path = options.path;
    this.#logger = options.logger;
    this.#flushDelayMs = options.flushDelayMs ?? 1000;
  }

  /** Opens a store, loading its file when there is one; rejects when the file is not a state file. */
  static async open(options: StateStoreOptions): Promise<StateStore> {
    const store = new StateStore(options);
    if (options.path && (await options.platform.isFile(options.path))) {
      let decoded: unknown;
      try {
        decoded = new Decoder().decode(await options.platform.readFile(options.path));
      } catch (error) {
        throw permanentError(`The plugin state file ${options.path} cannot be read: ${errorMessage(error)}.`, error);
      }
      if (!isPlainObject(decoded)) {
        throw permanentError(`The plugin state file ${options.path} is not a map of keys to bytes.`);
      }
      for (const [key, value] of Object.entries(decoded)) {
        if (value instanceof Uint8Array) store.#put(key, value);
      }
    }
    return store;
  }

  /** The number of keys. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of a key, or undefined. */
  get(key: string): Uint8Array | undefined {
    return this.#entries.get(key);
  }

  /** Sets a key; throws with a message the guest reads when a limit is passed. */
  set(key: string, value: Uint8Array): void {
    const keyBytes = encoder.encode(key).length;
    if (keyBytes === 0 || keyBytes > STATE_LIMITS.keyBytes) {
      throw new Error(`A state key must have 1 to ${STATE_LIMITS.keyBytes} bytes; this one has ${keyBytes}.`);
    }
    if (value.length > STATE_LIMITS.valueBytes) {
      throw new Error(`A state value may have at most ${STATE_LIMITS.valueBytes} bytes; this one has ${value.length}.`);
    }
    const previous = this.#entries.get(key);
    const growth = keyBytes + value.length - (previous ? keyBytes + previous.length : 0);
    if (this.#bytes + growth > STATE_LIMITS.totalBytes) {
      throw new Error(`The plugin's state store is full (${STATE_LIMITS.totalBytes} bytes); "${key}" was not set.`);
    }
    this.#put(key, value.slice());
    this.#changed();
  }

  /** Removes a key; an absent key is not an error. */
  delete(key: string): void {
    const previous = this.#entries.get(key);
    if (!previous) return;
    this.#entries.delete(key);
    this.#bytes -= encoder.encode(key).length + previous.length;
    this.#changed();
  }

  /** Writes the file now if anything changed since the last write. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#path || !this.#dirty) return this.#writing;
    this.#dirty = false;
    const path = this.#path;
    const bytes = new Encoder().encode(Object.fromEntries(this.#entries));
    this.#writing = this.#writing.then(async () => {
      try {
        const temporary = `${path}.tmp`;
        await writeFile(temporary, bytes);
        await rename(temporary, path);
      } catch (error) {
        this.#logger.error('Writing the plugin state file failed; the state stays in memory.', {
          path,
          error: errorMessage(error),
        });
      }
    });
    return this.#writing;
  }

  /** Writes the file if anything changed; the store stays usable. */
  close(): Promise<void> {
    return this.flush();
  }

  #put(key: string, value: Uint8Array): void {
    const previous = this.#entries.get(key);
    if (previous) this.#bytes -= encoder.encode(key).length + previous.length;
    this.#entries.set(key, value);
    this.#bytes += encoder.encode(key).length + value.length;
  }

  #changed(): void {
    if (!this.#path) return;
    this.#dirty = true;
    this.#timer ??= setTimeout(() => void this.flush(), this.#flushDelayMs);
  }
}
