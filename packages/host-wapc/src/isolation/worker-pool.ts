// Runs a plugin in N worker threads (node:worker_threads, which Node, Deno and Bun all provide).
// Each call goes to an idle worker, or waits for one. A call that runs past the timeout gets its
// worker terminated (the only way to stop a guest that never returns) and rejected as `timeout`;
// a fresh worker, re-configured, takes the slot. A worker that dies mid-call is treated as a trap.

import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { verb } from './in-thread-runner.ts';
import { type FailureKind, type GuestRunner, pluginFailure, type RunnerOptions } from './runner.ts';
import { workerEntry } from './worker-entry.ts';
import {
  type CallMessage,
  type HostAnswer,
  type HostRequest,
  INITIAL_BUFFER_BYTES,
  type InitMessage,
  sharedBufferFor,
  type WorkerMessage,
} from './worker-protocol.ts';

/** Options of a {@link WorkerPool}. */
export interface WorkerPoolOptions extends RunnerOptions {
  /** Number of workers, at least 1. */
  workers: number;
  /** How long one call may run before its worker is terminated, in milliseconds. */
  timeoutMs: number;
  /** How long starting a worker (compile, instantiate, replay configure) may take. */
  startTimeoutMs?: number;
}

interface PendingCall {
  id: number;
  operation: string;
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: Error): void;
}

/** A pool of workers running instances of one module. */
export class WorkerPool implements GuestRunner {
  readonly #options: WorkerPoolOptions;
  readonly #module: SharedArrayBuffer;
  readonly #moduleLength: number;
  readonly #slots: Slot[] = [];
  readonly #idle: Slot[] = [];
  readonly #waiters: Waiter[] = [];
  #configuration: Uint8Array | undefined;
  #closed = false;

  private constructor(bytes: Uint8Array, options: WorkerPoolOptions) {
    this.#options = options;
    this.#module = new SharedArrayBuffer(bytes.length);
    new Uint8Array(this.#module).set(bytes);
    this.#moduleLength = bytes.length;
  }

  /** Starts every worker; rejects (stopping those that started) when one cannot start. */
  static async start(bytes: Uint8Array, options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(bytes, options);
    const slots = Array.from({ length: Math.max(1, options.workers) }, () => new Slot(pool));
    pool.#slots.push(...slots);
    const started = await Promise.allSettled(slots.map((slot) => slot.start()));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    pool.#idle.push(...slots);
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.#slots.length;
  }

  async call(operation: string, payload: Uint8Array): Promise<Uint8Array> {
    const slot = await this.#acquire();
    try {
      return await slot.call(operation, payload, false);
    } finally {
      this.#release(slot);
    }
  }

  async configure(payload: Uint8Array): Promise<void> {
    // Called at load, before batches flow: every slot is idle. Take them all, configure each.
    const slots = await Promise.all(this.#slots.map(() => this.#acquire()));
    try {
      await Promise.all(slots.map((slot) => slot.call('configure', payload, true)));
      this.#configuration = payload.slice();
    } finally {
      for (const slot of slots) this.#release(slot);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(closedError());
    await Promise.all(this.#slots.map((slot) => slot.stop()));
  }

  /** What a slot needs from its pool. */
  get settings() {
    return {
      options: this.#options,
      module: this.#module,
      moduleLength: this.#moduleLength,
      configuration: this.#configuration,
      closed: this.#closed,
    };
  }

  #acquire(): Promise<Slot> {
    if (this.#closed) return Promise.reject(closedError());
    const slot = this.#idle.shift();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #release(slot: Slot): void {
    // A slot whose worker is being replaced comes back once the replacement is ready (or failed).
    slot.whenSettled().then(() => {
      if (this.#closed) return;
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(slot);
      else this.#idle.push(slot);
    });
  }
}

/** One worker and its buffers. */
class Slot {
  readonly #pool: WorkerPool;
  #worker: Worker | undefined;
  #hostPort: MessagePort | undefined;
  #request = new SharedArrayBuffer(INITIAL_BUFFER_BYTES);
  #response = new SharedArrayBuffer(INITIAL_BUFFER_BYTES);
  #pending: PendingCall | undefined;
  #nextId = 1;
  /** Settles when a replacement worker started (or failed to). */
  #replacing: Promise<void> = Promise.resolve();
  #broken: Error | undefined;

  constructor(pool: WorkerPool) {
    this.#pool = pool;
  }

  whenSettled(): Promise<void> {
    return this.#replacing;
  }

  /** Starts a worker; rejects with the plugin's start failure. */
  async start(): Promise<void> {
    const { options, module, moduleLength, configuration } = this.#pool.settings;
    const entry = workerEntry();
    const worker = new Worker(entry.url, entry.workerData === undefined ? {} : { workerData: entry.workerData });
    const channel = new MessageChannel();
    const control = new SharedArrayBuffer(4);
    this.#worker = worker;
    this.#hostPort = channel.port1;
    this.#serveHostCalls(channel.port1, new Int32Array(control));
    const init: InitMessage = {
      type: 'init',
      module,
      moduleLength,
      clock: options.clock,
      configuration,
      request: this.#request,
      response: this.#response,
      control,
      hostPort: channel.port2,
    };
    const ready = new Promise<void>((resolve, reject) => {
      const limit = options.startTimeoutMs ?? Math.max(10_000, options.timeoutMs);
      const timer = setTimeout(
        () => reject(pluginFailure('unavailable', `The plugin's worker did not start within ${limit} ms.`)),
        limit,
      );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') settle();
        else if (message.type === 'failed')
          settle(pluginFailure('unavailable', `The plugin could not start: ${message.message}`));
      };
      const onError = (error: Error) => settle(pluginFailure('unavailable', `The plugin's worker failed: ${error}`));
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
    worker.on('message', (message: WorkerMessage) => this.#onMessage(worker, message));
    worker.postMessage(init, [channel.port2]);
    try {
      await ready;
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.#broken = undefined;
    // From now on a worker that stops on its own is a crash (a start failure was reported above).
    worker.on('error', (error: Error) => this.#onExit(worker, `it threw ${error}`));
    worker.on('exit', (code: number) => this.#onExit(worker, `it exited with code ${code}`));
  }

  /** Calls an operation on this slot's worker, restarting it first if it is broken. */
  async call(operation: string, payload: Uint8Array, remember: boolean): Promise<Uint8Array> {
    if (this.#broken || !this.#worker) {
      try {
        await this.start();
      } catch (error) {
        this.#broken = error as Error;
        throw error;
      }
      this.#pool.settings.options.onRestart?.('trap');
    }
    const worker = this.#worker as Worker;
    const request = sharedBufferFor(this.#request, payload.length);
    new Uint8Array(request).set(payload);
    const id = this.#nextId++;
    const message: CallMessage = { type: 'call', id, operation, length: payload.length };
    if (request !== this.#request) message.request = request;
    if (remember) message.remember = true;
    this.#request = request;
    const { timeoutMs } = this.#pool.settings.options;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => this.#timedOut(id), timeoutMs);
      this.#pending = { id, operation, resolve, reject, timer };
      worker.postMessage(message);
    });
  }

  /** Terminates the worker. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#hostPort?.close();
    this.#hostPort = undefined;
    if (worker) await worker.terminate();
  }

  #onMessage(worker: Worker, message: WorkerMessage): void {
    if (worker !== this.#worker) return;
    const { options } = this.#pool.settings;
    if (message.type === 'output') {
      options.output(message.source, message.text);
    } else if (message.type === 'notify') {
      try {
        options.hostCall(message.binding, message.namespace, message.operation, new Uint8Array(message.payload));
      } catch (error) {
        options.output('stderr', `The ${message.operation} host call failed: ${(error as Error).message}`);
      }
    } else if (message.type === 'result') {
      const pending = this.#pending;
      if (!pending || pending.id !== message.id) return;
      this.#pending = undefined;
      clearTimeout(pending.timer);
      if (message.restarted) options.onRestart?.('trap');
      if (message.ok) {
        if (message.response) this.#response = message.response;
        pending.resolve(new Uint8Array(this.#response, 0, message.length).slice());
      } else {
        pending.reject(failure(message.kind, pending.operation, message.message));
      }
    }
  }

  #timedOut(id: number): void {
    const pending = this.#pending;
    if (!pending || pending.id !== id) return;
    this.#pending = undefined;
    const { timeoutMs } = this.#pool.settings.options;
    pending.reject(
      failure('timeout', pending.operation, `no answer within ${timeoutMs} ms; its worker was terminated`),
    );
    this.#replace('timeout');
  }

  #onExit(worker: Worker, reason: string): void {
    if (worker !== this.#worker) return;
    this.#worker = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(failure('trap', pending.operation, `its worker stopped: ${reason}`));
    }
    this.#replace('trap');
  }

  #replace(reason: 'trap' | 'timeout'): void {
    this.#replacing = (async () => {
      await this.stop().catch(() => {});
      if (this.#pool.settings.closed) return;
      try {
        await this.start();
        this.#pool.settings.options.onRestart?.(reason);
      } catch (error) {
        // The next call on this slot tries again, and reports the failure if it persists.
        this.#broken = error as Error;
      }
    })();
  }

  #serveHostCalls(port: MessagePort, control: Int32Array): void {
    const { options } = this.#pool.settings;
    port.on('message', (request: HostRequest) => {
      let answer: HostAnswer;
      try {
        answer = {
          ok: true,
          bytes: options.hostCall(request.binding, request.namespace, request.operation, request.payload),
        };
      } catch (error) {
        answer = { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      port.postMessage(answer);
      Atomics.store(control, 0, 1);
      Atomics.notify(control, 0);
    });
  }
}

function failure(kind: FailureKind, operation: string, message: string): Error {
  return pluginFailure(kind, `The plugin ${verb(kind)} in ${operation}: ${message}`);
}

function closedError(): Error {
  return pluginFailure('unavailable', 'The plugin was shut down.');
}
