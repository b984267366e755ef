// Opens and keeps a NATS connection for a component. The first connection is tried in the
// background with backoff, so a pipeline starts (and its exporters queue) while NATS is down; once
// connected, the client reconnects by itself with the same backoff. Every state change is logged
// once, never a secret: tokens and passwords are `Secret`s and server URLs carry no credentials.
import { type ConnectionOptions, connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { errorMessage, type Logger, type Platform, retryableError, sleep, WasmpipeError } from '@wasmpipe/core';
import { loadTlsMaterial } from '@wasmpipe/exporters';
import { type NatsConnectionConfig, resolvePath } from './config.ts';

/** What a connector needs besides the options. */
export interface ConnectorContext {
  /** The component id, the default connection name. */
  readonly id: string;
  readonly logger: Logger;
  readonly platform: Platform;
  readonly configDirectory: string;
}

/** The next wait of an exponential backoff between `initial` and `max`, plus up to `jitter` at random. */
export function backoffDelay(attempt: number, initial: number, max: number, jitter: number): number {
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(base + Math.random() * jitter);
}

/** Builds the nats.js connection options from the config, reading the credentials and TLS files. */
export async function connectionOptions(
  config: NatsConnectionConfig,
  context: ConnectorContext,
  delay: () => number,
): Promise<ConnectionOptions> {
  const options: ConnectionOptions = {
    servers: config.servers,
    name: config.name ?? `wasmpipe ${context.id}`,
    timeout: config.connect_timeout,
    reconnect: true,
    maxReconnectAttempts: config.max_reconnect_attempts,
    reconnectTimeWait: config.reconnect_wait,
    reconnectJitter: config.reconnect_jitter,
    reconnectJitterTLS: config.reconnect_jitter,
    reconnectDelayHandler: delay,
    // One round per connect() call: the connector runs the first-connection loop itself.
    waitOnFirstConnect: false,
  };
  if (config.token !== undefined) options.token = config.token.reveal();
  if (config.user !== undefined && config.password !== undefined) {
    options.user = config.user;
    options.pass = config.password.reveal();
  }
  if (config.credentials_file !== undefined) {
    const creds = await context.platform.readFile(resolvePath(config.credentials_file, context.configDirectory));
    options.authenticator = credsAuthenticator(creds);
  }
  if (config.tls !== undefined) {
    const material = await loadTlsMaterial(
      { ...config.tls, insecure: false },
      context.platform,
      context.configDirectory,
    );
    const decoder = new TextDecoder();
    const tls: Record<string, unknown> = { minVersion: `TLSv${config.tls.min_version}` };
    if (material.ca) tls['ca'] = decoder.decode(material.ca);
    if (material.cert) tls['cert'] = decoder.decode(material.cert);
    if (material.key) tls['key'] = decoder.decode(material.key);
    if (config.tls.insecure_skip_verify) tls['rejectUnauthorized'] = false;
    if (config.tls.server_name_override) tls['servername'] = config.tls.server_name_override;
    options.tls = tls;
  }
  return options;
}

/**
 * One component's connection to NATS. `start()` returns at once and connects in the background;
 * `connection()` returns the live connection or throws a retryable error while there is none.
 */
export class NatsConnector {
  readonly #config: NatsConnectionConfig;
  readonly #context: ConnectorContext;
  readonly #logger: Logger;
  readonly #stopped = new AbortController();
  #connection: NatsConnection | undefined;
  #connecting: Promise<void> | undefined;
  #attempt = 0;
  #lastError = '';
  #closedForGood: WasmpipeError | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(config: NatsConnectionConfig, context: ConnectorContext) {
    this.#config = config;
    this.#context = context;
    this.#logger = context.logger;
  }

  /** The servers, for log lines and errors (they never carry credentials: validation refuses them). */
  get servers(): string {
    return this.#config.servers.join(', ');
  }

  /** Starts connecting in the background. */
  start(): void {
    this.#connecting ??= this.#connectLoop();
  }

  /** The live connection, or a retryable error saying why there is none. */
  connection(): NatsConnection {
    if (this.#closedForGood) throw this.#closedForGood;
    const connection = this.#connection;
    if (connection === undefined || connection.isClosed())
      throw retryableError(`Not connected to NATS at ${this.servers}${this.#lastError ? `: ${this.#lastError}` : ''}.`);
    return connection;
  }

  /** Waits until connected, or throws after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<NatsConnection> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return this.connection();
      } catch (error) {
        if (Date.now() >= deadline || this.#stopped.signal.aborted || this.#closedForGood) throw error;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(1, Math.min(250, deadline - Date.now())));
          function done() {
            clearTimeout(timer);
            resolve();
          }
          this.#waiters.add(done);
        });
      }
    }
  }

  /** Flushes and closes the connection; stops connecting. Idempotent. */
  async close(): Promise<void> {
    this.#stopped.abort();
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection && !connection.isClosed()) {
      try {
        await connection.drain();
      } catch {
        await connection.close().catch(() => undefined);
      }
    }
    await this.#connecting;
  }

  #delay = (): number =>
    backoffDelay(
      this.#attempt++,
      this.#config.reconnect_wait,
      this.#config.max_reconnect_wait,
      this.#config.reconnect_jitter,
    );

  async #connectLoop(): Promise<void> {
    const options = await connectionOptions(this.#config, this.#context, this.#delay);
    while (!this.#stopped.signal.aborted) {
      try {
        const connection = await connect(options);
        if (this.#stopped.signal.aborted) {
          await connection.close();
          return;
        }
        this.#attempt = 0;
        this.#lastError = '';
        this.#connection = connection;
        this.#logger.info('Connected to NATS.', { server: connection.getServer() });
        for (const wake of this.#waiters) wake();
        this.#waiters.clear();
        await this.#watch(connection);
        return;
      } catch (error) {
        const message = errorMessage(error);
        if (message !== this.#lastError)
          this.#logger.warn('Cannot connect to NATS; retrying with backoff.', {
            servers: this.servers,
            error: message,
          });
        this.#lastError = message;
        await sleep(this.#delay(), this.#stopped.signal).catch(() => undefined);
      }
    }
  }

  /** Logs state changes until the connection closes. */
  async #watch(connection: NatsConnection): Promise<void> {
    const closed = connection.closed();
    (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') {
          this.#lastError = 'disconnected';
          this.#logger.warn('Disconnected from NATS; reconnecting with backoff.', { server: status.server });
        } else if (status.type === 'reconnect') {
          this.#attempt = 0;
          this.#lastError = '';
          this.#logger.info('Reconnected to NATS.', { server: status.server });
        } else if (status.type === 'error') {
          this.#logger.warn('NATS reported an error.', { error: errorMessage(status.error) });
        }
      }
    })().catch(() => undefined);
    const error = await closed;
    if (this.#stopped.signal.aborted) return;
    this.#closedForGood = new WasmpipeError(
      `The NATS connection to ${this.servers} closed after max_reconnect_attempts (${this.#config.max_reconnect_attempts}) failed reconnections${error ? `: ${error.message}` : ''}; restart wasmpipe to connect again.`,
    );
    this.#logger.error('Gave up reconnecting to NATS.', { servers: this.servers });
  }
}
