// A plugin's state store on a JetStream key-value bucket, shared by every gateway whose `wasm`
// processor names the same bucket. Guest calls are synchronous, so reads come from a local view
// kept current by a KV watch; a write changes the view at once and is put to the bucket in the
// background (the latest value per key waits while NATS is down, and is put when it is back).
//
// Consistency: read-your-writes on one gateway; across gateways last writer wins per key (the
// order in which the bucket stored the writes); another gateway's write is seen once the watch
// delivers it. A key with a local write not yet acknowledged shows the local value.

import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type KV, Kvm, type KvWatchEntry } from '@nats-io/kv';
import { headers } from '@nats-io/transport-node';
import {
  type Counter,
  type CreateContext,
  errorMessage,
  type Logger,
  permanentError,
  StateChangeLog,
  sleep,
} from '@wasmpipe/core';
import { type PluginStateStore, STATE_LIMITS } from '@wasmpipe/host-wapc';
import { backoffDelay, NatsConnector } from '../connection/connect.ts';
import { defaultBucket, type NatsKvStateConfig } from './config.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Plugin keys written as they are; any other key is `=` + base64url of its UTF-8 bytes. */
const PLAIN_KEY = /^[-\w]+$/;

/** The KV key of a plugin key. */
export function kvKey(key: string): string {
  if (PLAIN_KEY.test(key)) return key;
  let binary = '';
  for (const byte of encoder.encode(key)) binary += String.fromCharCode(byte);
  return `=${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The plugin key of a KV key (keys written by other tools are taken as they are). */
export function pluginKey(key: string): string {
  if (!key.startsWith('=')) return key;
  try {
    const binary = atob(key.slice(1).replace(/-/g, '+').replace(/_/g, '/'));
    return decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return key;
  }
}

/** A local write waiting for the bucket's acknowledgement; `value` undefined is a delete. */
interface Pending {
  value: Uint8Array | undefined;
  /** Bumped by every local write, so an acknowledgement of an older write leaves a newer one pending. */
  version: number;
}

/** What the bucket last said about a key, from the watch or an acknowledgement. */
interface Remote {
  revision: number;
  value: Uint8Array | undefined;
}

/** The `nats_kv` plugin state store. */
export class NatsKvStateStore implements PluginStateStore {
  readonly bucket: string;
  readonly #config: NatsKvStateConfig;
  readonly #logger: Logger;
  readonly #connector: NatsConnector;
  readonly #view = new Map<string, Uint8Array>();
  readonly #remote = new Map<string, Remote>();
  readonly #pending = new Map<string, Pending>();
  readonly #stopped = new AbortController();
  readonly #writeFailures: StateChangeLog;
  readonly #watchFailures: StateChangeLog;
  readonly #counters: { written: Counter; writeFailed: Counter; dropped: Counter; remote: Counter };
  #bytes = 0;
  #version = 0;
  #synced = false;
  #onSynced: (() => void) | undefined;
  #lastRevision = 0;
  #kv: KV | undefined;
  #js: JetStreamClient | undefined;
  #writer: Promise<void> | undefined;
  #watcher: Promise<void> | undefined;
  #stopWatch: (() => void) | undefined;

  private constructor(config: NatsKvStateConfig, context: CreateContext) {
    this.#config = config;
    this.#logger = context.logger;
    this.bucket = config.bucket ?? defaultBucket(context.id);
    this.#connector = new NatsConnector(config, context);
    this.#writeFailures = new StateChangeLog(this.#logger, 'warn');
    this.#watchFailures = new StateChangeLog(this.#logger, 'warn');
    const { telemetry } = context;
    this.#counters = {
      written: telemetry.counter('wasmpipe.plugin.state.writes'),
      writeFailed: telemetry.counter('wasmpipe.plugin.state.write_failures'),
      dropped: telemetry.counter('wasmpipe.plugin.state.writes_dropped'),
      remote: telemetry.counter('wasmpipe.plugin.state.remote_updates'),
    };
    telemetry.gauge('wasmpipe.plugin.state.pending', () => this.#pending.size);
    telemetry.gauge('wasmpipe.plugin.state.keys', () => this.#view.size);
  }

  /**
   * Connects, opens (or creates) the bucket and loads its contents through the watch, waiting up
   * to `sync_timeout`. When NATS does not answer in time the store starts anyway and keeps trying;
   * until the contents are loaded every state call fails (the guest reads why).
   */
  static async open(config: NatsKvStateConfig, context: CreateContext): Promise<NatsKvStateStore> {
    const store = new NatsKvStateStore(config, context);
    store.#connector.start();
    const synced = new Promise<void>((resolve) => {
      store.#onSynced = resolve;
    });
    store.#watcher = store.#watchLoop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), config.sync_timeout);
    });
    const late = await Promise.race([synced.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late)
      store.#logger.warn(
        'The plugin state bucket is not loaded yet (NATS not reachable); state calls fail until it is.',
        { bucket: store.bucket, servers: store.#connector.servers },
      );
    return store;
  }

  /** True once the bucket's contents were loaded. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Local writes not yet acknowledged by the bucket. */
  get pending(): number {
    return this.#pending.size;
  }

  /** The number of keys in the view. */
  get size(): number {
    return this.#view.size;
  }

  get(key: string): Uint8Array | undefined {
    this.#ensureSynced();
    return this.#view.get(key);
  }

  set(key: string, value: Uint8Array): void {
    this.#ensureSynced();
    const keyBytes = encoder.encode(key).length;
    if (keyBytes === 0 || keyBytes > STATE_LIMITS.keyBytes) {
      throw new Error(`A state key must have 1 to ${STATE_LIMITS.keyBytes} bytes; this one has ${keyBytes}.`);
    }
    if (value.length > STATE_LIMITS.valueBytes) {
      throw new Error(`A state value may have at most ${STATE_LIMITS.valueBytes} bytes; this one has ${value.length}.`);
    }
    const maxPayload = this.#maxPayload();
    if (maxPayload !== undefined && value.length > maxPayload) {
      throw new Error(
        `A state value in NATS KV may have at most the server's max_payload (${maxPayload} bytes); this one has ${value.length}.`,
      );
    }
    const previous = this.#view.get(key);
    const growth = keyBytes + value.length - (previous ? keyBytes + previous.length : 0);
    if (this.#bytes + growth > STATE_LIMITS.totalBytes) {
      throw new Error(`The plugin's state store is full (${STATE_LIMITS.totalBytes} bytes); "${key}" was not set.`);
    }
    const copy = value.slice();
    this.#show(key, copy);
    this.#pending.set(key, { value: copy, version: ++this.#version });
    this.#kick();
  }

  delete(key: string): void {
    this.#ensureSynced();
    if (!this.#view.has(key) && !this.#pending.has(key)) return;
    this.#show(key, undefined);
    this.#pending.set(key, { value: undefined, version: ++this.#version });
    this.#kick();
  }

  /** Waits until every local write so far was acknowledged, or NATS went away (they stay pending). */
  async flush(): Promise<void> {
    await this.#writer;
  }

  /** Puts what is pending (waiting up to `write_timeout` for NATS), then stops and disconnects. */
  async close(): Promise<void> {
    if (this.#pending.size > 0) {
      this.#kick();
      await Promise.race([this.#writer, sleep(this.#config.write_timeout)]);
    }
    this.#stopped.abort();
    this.#stopWatch?.();
    this.#onSynced?.();
    await this.#writer;
    if (this.#pending.size > 0) {
      this.#counters.dropped.add(this.#pending.size);
      this.#logger.error('Plugin state writes were not stored in NATS before shutdown; they are lost.', {
        bucket: this.bucket,
        writes: this.#pending.size,
      });
      this.#pending.clear();
    }
    await this.#connector.close();
    await this.#watcher;
  }

  #ensureSynced(): void {
    if (this.#synced) return;
    throw new Error(
      `The plugin state (NATS KV bucket ${this.bucket}) is not loaded yet: NATS at ${this.#connector.servers} has not answered.`,
    );
  }

  #maxPayload(): number | undefined {
    try {
      return this.#connector.connection().info?.max_payload;
    } catch {
      return undefined;
    }
  }

  /** Sets what reads see for `key` (undefined removes it), keeping the byte count. */
  #show(key: string, value: Uint8Array | undefined): void {
    const keyBytes = encoder.encode(key).length;
    const previous = this.#view.get(key);
    if (previous) this.#bytes -= keyBytes + previous.length;
    if (value === undefined) this.#view.delete(key);
    else {
      this.#view.set(key, value);
      this.#bytes += keyBytes + value.length;
    }
  }

  /** What the bucket said about a key, applied unless an older revision; the view follows when no local write waits. */
  #learn(key: string, revision: number, value: Uint8Array | undefined): void {
    const known = this.#remote.get(key);
    if (known && known.revision >= revision) return;
    this.#remote.set(key, { revision, value });
    if (!this.#pending.has(key)) this.#show(key, value);
  }

  async #bind(): Promise<KV> {
    if (this.#kv) return this.#kv;
    const connection = await this.#connector.ready(this.#config.connect_timeout);
    this.#js = jetstream(connection);
    const kvm = new Kvm(this.#js);
    this.#kv = await kvm.create(this.bucket, {
      history: 1,
      storage: this.#config.storage === 'memory' ? 'memory' : 'file',
      replicas: this.#config.replicas,
    } as Parameters<Kvm['create']>[1]);
    return this.#kv;
  }

  /** Loads the bucket and follows it; after an interruption it resumes after the last revision seen. */
  async #watchLoop(): Promise<void> {
    let attempt = 0;
    while (!this.#stopped.signal.aborted) {
      try {
        const kv = await this.#bind();
        const status = await kv.status();
        const last = this.#synced ? 0 : status.streamInfo.state.last_seq;
        const messages = status.streamInfo.state.messages;
        const watch = await kv.watch(this.#lastRevision > 0 ? { resumeFromRevision: this.#lastRevision + 1 } : {});
        this.#stopWatch = () => watch.stop();
        if (this.#stopped.signal.aborted) watch.stop();
        if (!this.#synced && (messages === 0 || this.#lastRevision >= last)) this.#markSynced();
        this.#watchFailures.succeeded('Watching the plugin state bucket.', { bucket: this.bucket });
        attempt = 0;
        for await (const entry of watch) {
          this.#apply(entry);
          if (!this.#synced && entry.revision >= last) this.#markSynced();
        }
      } catch (error) {
        if (this.#stopped.signal.aborted) return;
        this.#kv = undefined;
        this.#watchFailures.failed('Cannot follow the plugin state bucket; retrying with backoff.', {
          bucket: this.bucket,
          error: errorMessage(error),
        });
      }
      if (this.#stopped.signal.aborted) return;
      await sleep(
        backoffDelay(attempt++, this.#config.reconnect_wait, this.#config.max_reconnect_wait, 0),
        this.#stopped.signal,
      ).catch(() => undefined);
    }
  }

  #apply(entry: KvWatchEntry): void {
    this.#lastRevision = Math.max(this.#lastRevision, entry.revision);
    const key = pluginKey(entry.key);
    const value = entry.operation === 'PUT' ? entry.value.slice() : undefined;
    if (this.#synced) this.#counters.remote.add(1);
    this.#learn(key, entry.revision, value);
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    this.#logger.info('Loaded the plugin state bucket.', { bucket: this.bucket, keys: this.#view.size });
    this.#onSynced?.();
  }

  /** Starts the writer unless it runs. */
  #kick(): void {
    this.#writer ??= this.#writeLoop().finally(() => {
      this.#writer = undefined;
      if (this.#pending.size > 0 && !this.#stopped.signal.aborted) this.#kick();
    });
  }

  /** Puts pending writes one by one until none is left; on failure waits with backoff and retries. */
  async #writeLoop(): Promise<void> {
    let attempt = 0;
    while (this.#pending.size > 0 && !this.#stopped.signal.aborted) {
      const [key, pending] = this.#pending.entries().next().value as [string, Pending];
      try {
        await this.#bind();
        const revision = await this.#write(key, pending.value);
        attempt = 0;
        this.#counters.written.add(1);
        this.#writeFailures.succeeded('Plugin state writes reach NATS again.', { bucket: this.bucket });
        const now = this.#pending.get(key);
        if (now?.version === pending.version) this.#pending.delete(key);
        const known = this.#remote.get(key);
        if (!known || known.revision < revision) this.#remote.set(key, { revision, value: pending.value });
        // A later write from another gateway, already seen by the watch, wins over this one.
        const latest = this.#remote.get(key);
        if (!this.#pending.has(key) && latest) this.#show(key, latest.value);
      } catch (error) {
        this.#counters.writeFailed.add(1);
        this.#writeFailures.failed('Plugin state writes cannot reach NATS; they wait and are retried.', {
          bucket: this.bucket,
          pending: this.#pending.size,
          error: errorMessage(error),
        });
        if (this.#stopped.signal.aborted) return;
        await sleep(
          backoffDelay(attempt++, this.#config.reconnect_wait, this.#config.max_reconnect_wait, 0),
          this.#stopped.signal,
        ).catch(() => undefined);
      }
    }
  }

  /** One put or delete, acknowledged by the bucket's stream; answers the revision it got. */
  async #write(key: string, value: Uint8Array | undefined): Promise<number> {
    const kv = this.#kv;
    const js = this.#js;
    if (!kv || !js) throw permanentError('The plugin state bucket is not open.');
    const timeout = this.#config.write_timeout;
    if (value !== undefined) return kv.put(kvKey(key), value, { timeout });
    // kv.delete does not say the revision; the same publish (a DEL marker) does.
    const marker = headers();
    marker.set('KV-Operation', 'DEL');
    const ack = await js.publish(`$KV.${this.bucket}.${kvKey(key)}`, new Uint8Array(0), { headers: marker, timeout });
    return ack.seq;
  }
}
