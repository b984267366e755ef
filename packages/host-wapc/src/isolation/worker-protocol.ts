// The messages between the pipeline's thread and a plugin worker. Batch payloads travel through
// SharedArrayBuffers (a copy in, a copy out): Deno's node:worker_threads copies a Uint8Array in a
// message byte by byte (about 11 ms per 100 KB measured here), a shared buffer costs a memcpy on
// every runtime. Host calls that need an answer (the state store) block the worker on an
// Atomics flag while the pipeline's thread answers through a MessagePort the worker reads
// synchronously (receiveMessageOnPort); log and metric calls are posted and not waited for.

import type { MessagePort } from 'node:worker_threads';
import type { GuestOutputSource } from '../plugin/contract-host.ts';

/** The first message a worker receives. */
export interface InitMessage {
  type: 'init';
  /** The validated (and memory-capped) module bytes. */
  module: SharedArrayBuffer;
  moduleLength: number;
  clock: 'real' | 'zero';
  /** The configure payload to replay on the fresh instance, if the plugin was configured. */
  configuration: Uint8Array | undefined;
  /** Where the pipeline's thread writes call payloads. */
  request: SharedArrayBuffer;
  /** Where the worker writes answers. */
  response: SharedArrayBuffer;
  /** One Int32 the worker waits on during a host call. */
  control: SharedArrayBuffer;
  /** The port host calls needing an answer travel on. */
  hostPort: MessagePort;
}

/** Asks the worker to call an operation with the `length` bytes at the start of the request buffer. */
export interface CallMessage {
  type: 'call';
  id: number;
  operation: string;
  length: number;
  /** A larger request buffer replacing the current one (the payload is in it). */
  request?: SharedArrayBuffer;
  /** Remember the payload for replays when the call succeeds (a configure). */
  remember?: boolean;
}

/** What a worker posts to the pipeline's thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | {
      type: 'result';
      id: number;
      ok: true;
      length: number;
      /** A larger response buffer replacing the current one (the answer is in it). */
      response?: SharedArrayBuffer;
      /** The instance was re-created before this call (the previous one trapped). */
      restarted: boolean;
    }
  | {
      type: 'result';
      id: number;
      ok: false;
      kind: 'guest_error' | 'trap' | 'unavailable';
      message: string;
      restarted: boolean;
    }
  | { type: 'output'; source: GuestOutputSource; text: string }
  | { type: 'notify'; binding: string; namespace: string; operation: string; payload: Uint8Array };

/** A host call the worker waits for. */
export interface HostRequest {
  binding: string;
  namespace: string;
  operation: string;
  payload: Uint8Array;
}

/** The answer to a {@link HostRequest}. */
export type HostAnswer = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

/** The first size of each payload buffer; a larger payload replaces the buffer with a bigger one. */
export const INITIAL_BUFFER_BYTES = 256 * 1024;

/** A shared buffer big enough for `length` bytes: the current one, or the next power of two. */
export function sharedBufferFor(current: SharedArrayBuffer, length: number): SharedArrayBuffer {
  if (length <= current.byteLength) return current;
  let size = current.byteLength;
  while (size < length) size *= 2;
  return new SharedArrayBuffer(size);
}
