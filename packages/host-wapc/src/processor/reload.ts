// Watches a plugin's file for hot reload: polls it (`reload: true`) and checks it on SIGHUP,
// comparing SHA-256 digests so a touch without a change does nothing. A module that failed to
// load is not retried until the file changes again, so a broken file is logged once.

import { errorMessage, type Logger, type Platform } from '@wasmpipe/core';
import { sha256Hex } from '../plugin/validate-module.ts';

/** Options of a {@link PluginFileWatcher}. */
export interface WatcherOptions {
  path: string;
  platform: Platform;
  logger: Logger;
  /** The digest of the module now running. */
  digest: string;
  /** Poll every this many milliseconds; undefined: only on SIGHUP. */
  intervalMs: number | undefined;
  /** Loads and swaps in the new module; resolves true when it is now running. */
  reload(bytes: Uint8Array, digest: string): Promise<boolean>;
}

/** Triggers reloads of one plugin file. */
export class PluginFileWatcher {
  readonly #options: WatcherOptions;
  #running: string;
  #refused: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #removeSignal: (() => void) | undefined;
  #checking: Promise<void> | undefined;

  constructor(options: WatcherOptions) {
    this.#options = options;
    this.#running = options.digest;
  }

  /** Starts polling (if configured) and listening for SIGHUP. */
  start(): void {
    const { intervalMs, platform } = this.#options;
    if (intervalMs !== undefined) this.#timer = setInterval(() => void this.check('change'), intervalMs);
    this.#removeSignal = platform.onSignal('SIGHUP', () => void this.check('SIGHUP'));
  }

  /** Stops polling and listening; waits for a check in progress. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#removeSignal?.();
    this.#removeSignal = undefined;
    await this.#checking;
  }

  /** Reads the file and reloads it when it changed; one check at a time. */
  check(trigger: 'change' | 'SIGHUP'): Promise<void> {
    this.#checking ??= this.#check(trigger).finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(trigger: 'change' | 'SIGHUP'): Promise<void> {
    const { path, platform, logger } = this.#options;
    let bytes: Uint8Array;
    try {
      bytes = await platform.readFile(path);
    } catch (error) {
      // Mid-replace (a rename in progress) the file may be briefly absent: the next check sees it.
      if (trigger === 'SIGHUP')
        logger.warn('Cannot read the plugin file to reload it.', { path, error: errorMessage(error) });
      return;
    }
    const digest = await sha256Hex(bytes);
    if (digest === this.#running || (digest === this.#refused && trigger === 'change')) {
      if (trigger === 'SIGHUP') logger.info('SIGHUP: the plugin file is unchanged; nothing to reload.', { path });
      return;
    }
    if (await this.#options.reload(bytes, digest)) {
      this.#running = digest;
      this.#refused = undefined;
    } else {
      this.#refused = digest;
    }
  }
}
