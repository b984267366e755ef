// The running service of `wasmpipe run` and its replacement on SIGHUP: the config file is read
// and checked again; an invalid one is logged with every problem and its location and the
// running pipelines carry on untouched; a valid, changed one replaces them: the old service is
// shut down first (collectors stop, every queue drains, a file queue keeps what it could not
// send), then the new one starts. A new config that fails to start puts the previous one back.
import {
  type CompiledConfig,
  errorMessage,
  formatProblems,
  type Logger,
  type Platform,
  Service,
  Telemetry,
} from '@wasmpipe/core';
import { loadConfig } from '../load-config.ts';

/** What a reload did. */
export type ReloadOutcome = 'unchanged' | 'invalid' | 'reloaded' | 'rolled_back' | 'failed';

/**
 * Holds the service `wasmpipe run` is running now and swaps it on {@link reload}. Counters are
 * kept in one `Telemetry` shared by every service it starts, so they carry on across reloads.
 * Reloads run one at a time; {@link shutdown} waits for one under way.
 */
export class RunningService {
  readonly #path: string | undefined;
  readonly #platform: Platform;
  readonly #logger: Logger;
  readonly #telemetry = new Telemetry();
  #service: Service;
  #config: CompiledConfig;
  #text: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string | undefined, config: CompiledConfig, text: string, platform: Platform, logger: Logger) {
    this.#path = path;
    this.#platform = platform;
    this.#logger = logger;
    this.#config = config;
    this.#text = text;
    this.#service = this.#create(config);
  }

  /** The service running now (the admin endpoint asks on every request). */
  get current(): Service {
    return this.#service;
  }

  /** Starts the first service. */
  start(): Promise<void> {
    return this.#service.start();
  }

  /** Reads the config again and, if it is valid and changed, replaces the running service. */
  reload(): Promise<ReloadOutcome> {
    const run = this.#queue.then(() => this.#reload());
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Waits for a reload under way, then shuts the running service down (draining every queue). */
  async shutdown(): Promise<void> {
    await this.#queue;
    await this.#service.shutdown();
  }

  async #reload(): Promise<ReloadOutcome> {
    const source = this.#path ?? '<embedded default>';
    this.#logger.info('SIGHUP: reading the config again.', { config: source });
    const result = await loadConfig(this.#path, this.#platform);
    if (!result.ok) {
      this.#logger.error(
        `SIGHUP: the new config is not valid; the running pipelines carry on unchanged.\n${formatProblems(result.problems)}`,
        { config: source },
      );
      return 'invalid';
    }
    if (result.text === this.#text) {
      // Plugins with `reload` listen to SIGHUP themselves and check their files.
      this.#logger.info('SIGHUP: the config is unchanged; nothing to reload.', { config: source });
      return 'unchanged';
    }
    this.#logger.info('SIGHUP: the config changed; draining the running pipelines, then starting the new ones.', {
      config: source,
    });
    await this.#service.shutdown();
    const next = this.#create(result.config);
    try {
      await next.start();
    } catch (error) {
      this.#logger.error('SIGHUP: the new config could not start; starting the previous one again.', {
        config: source,
        error: errorMessage(error),
      });
      const previous = this.#create(this.#config);
      try {
        await previous.start();
      } catch (againError) {
        this.#logger.error('The previous config could not start again either; wasmpipe stops.', {
          error: errorMessage(againError),
        });
        this.#service = previous;
        return 'failed';
      }
      this.#service = previous;
      return 'rolled_back';
    }
    this.#service = next;
    this.#config = result.config;
    this.#text = result.text;
    this.#logger.info('SIGHUP: the new config is running.', { config: source });
    return 'reloaded';
  }

  #create(config: CompiledConfig): Service {
    return new Service(config, { platform: this.#platform, logger: this.#logger, telemetry: this.#telemetry });
  }
}
