// waPC guests written in WebAssembly text for tests, shaped like what the real toolchains emit:
// a TinyGo guest imports WASI and exports `_start` (which ends with proc_exit(0)), a Rust
// wapc-guest registers its handlers in `wapc_init`, a WASI reactor exports `_initialize`. Each
// answers describe, configure and the process operations with a chosen behaviour, and a few
// probe operations let tests look at what the host gave it.
//
// Memory: page 0 holds the static data (from 0), the operation name (at 1024) and scratch space
// (4096 and up); the request payload is read to 65536 (page 1), growing memory as needed.

import { encode } from '@msgpack/msgpack';
import { CONTRACT_VERSION } from '../generated/contract.ts';
import { compileWat } from './wat.ts';

/** What a process operation does. */
export type ProcessBehaviour =
  | 'unchanged' // answers {} (keep the batch)
  | 'trap' // unreachable
  | 'loop' // never returns
  | 'grow' // grows memory 1MiB at a time until it fails, then traps
  | 'not_msgpack' // answers 0xc1, never valid msgpack
  | 'wrong_types' // answers {batch: [[], "x"]}: a batch whose resources are a string
  | 'drop_all' // answers {batch: [[], []]}: an empty replacement
  | 'echo' // answers {batch: <the input>}: a replacement equal to the input
  | 'guest_error' // answers with __guest_error
  | 'exit' // calls WASI proc_exit(3)
  | 'host_calls'; // logs, counts a metric, increments state key "calls", then answers {}

/** How the guest starts: as TinyGo, Rust wapc-guest, a WASI reactor, or with nothing to run. */
export type StartStyle = 'none' | 'tinygo' | 'wapc_init' | 'initialize';

/** Options of {@link guestWat}. */
export interface GuestOptions {
  name?: string;
  contractVersion?: string;
  signals?: string[];
  process?: ProcessBehaviour;
  /** `accept` keeps the payload (see op `probe_config`); `reject` fails with a plugin message. */
  configure?: 'accept' | 'reject' | 'loop';
  start?: StartStyle;
  /** Import every WASI function this host offers (TinyGo does). Implied by start: tinygo. */
  wasi?: boolean;
  /** Extra imports, as WAT import lines. */
  imports?: string[];
  memory?: { minimum: number; maximum?: number };
  /** Rename `__guest_call` (a module the host must refuse). */
  guestCallExport?: string;
}

/** The message a `configure: reject` guest fails with (non-ASCII on purpose). */
export const CONFIGURE_REJECTION = 'Option "threshold" must be a number, got "höch".';

class Data {
  readonly segments: string[] = [];
  #next = 0;
  add(bytes: Uint8Array | string): { pointer: number; length: number } {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    const pointer = this.#next;
    this.segments.push(
      `(data (i32.const ${pointer}) "${[...data].map((byte) => `\\${byte.toString(16).padStart(2, '0')}`).join('')}")`,
    );
    this.#next += data.length;
    if (this.#next > 1000) throw new Error('The test guest has too much static data.');
    return { pointer, length: data.length };
  }
}

const WASI = `
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))`;

/** The WebAssembly text of a test guest. */
export function guestWat(options: GuestOptions = {}): string {
  const start = options.start ?? 'none';
  const wasi = options.wasi || start === 'tinygo';
  const data = new Data();
  const ref = (value: Uint8Array | string) => {
    const { pointer, length } = data.add(value);
    return `(i32.const ${pointer}) (i32.const ${length})`;
  };
  const describe = ref(
    encode({
      name: options.name ?? 'wat-guest',
      version: '1.0.0',
      contractVersion: options.contractVersion ?? CONTRACT_VERSION,
      signals: options.signals ?? ['metrics', 'logs'],
    }),
  );
  const respond = (bytes: Uint8Array | string) => `(call $guest_response ${ref(bytes)}) (return (i32.const 1))`;
  const names = {
    describe: ref('describe'),
    configure: ref('configure'),
    metrics: ref('process_metrics'),
    logs: ref('process_logs'),
    probeConfig: ref('probe_config'),
    probeWasi: ref('probe_wasi'),
    probeHostError: ref('probe_host_error'),
  };
  const emptyMap = new Uint8Array([0x80]);
  const batchKey = encode('batch');
  const process = processBody(options.process ?? 'unchanged', ref, respond, emptyMap, batchKey, wasi);
  const configure =
    options.configure === 'reject'
      ? `(call $guest_error ${ref(CONFIGURE_REJECTION)}) (return (i32.const 0))`
      : options.configure === 'loop'
        ? '(loop $forever (br $forever)) (unreachable)'
        : `(memory.copy (i32.const 32768) (i32.const 65536) (global.get $len)) (global.set $config_len (global.get $len)) ${respond(new Uint8Array(0))}`;
  const memory = options.memory ?? { minimum: 2 };
  const initialized = start === 'wapc_init' || start === 'initialize';
  const startFunctions = {
    none: '',
    tinygo: `(func (export "_start")
      (i32.store (i32.const 4096) (i32.const 4104)) (i32.store (i32.const 4100) (i32.const 23))
      (memory.copy (i32.const 4104) ${ref('tinygo runtime started\n')})
      (drop (call $fd_write (i32.const 1) (i32.const 4096) (i32.const 1) (i32.const 4128)))
      (call $proc_exit (i32.const 0)))`,
    wapc_init: '(func (export "wapc_init") (global.set $initialized (i32.const 1)))',
    initialize: '(func (export "_initialize") (global.set $initialized (i32.const 1)))',
  }[start];
  const notInitialized = ref('the guest was called before wapc_init or _initialize');
  return `(module
  (import "wapc" "__guest_request" (func $guest_request (param i32 i32)))
  (import "wapc" "__guest_response" (func $guest_response (param i32 i32)))
  (import "wapc" "__guest_error" (func $guest_error (param i32 i32)))
  (import "wapc" "__host_call" (func $host_call (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wapc" "__host_response_len" (func $host_response_len (result i32)))
  (import "wapc" "__host_response" (func $host_response (param i32)))
  (import "wapc" "__host_error_len" (func $host_error_len (result i32)))
  (import "wapc" "__host_error" (func $host_error (param i32)))
  ${wasi ? WASI : ''}
  ${(options.imports ?? []).join('\n  ')}
  (memory (export "memory") ${memory.minimum}${memory.maximum === undefined ? '' : ` ${memory.maximum}`})
  (global $op_len (mut i32) (i32.const 0))
  (global $len (mut i32) (i32.const 0))
  (global $config_len (mut i32) (i32.const 0))
  (global $initialized (mut i32) (i32.const ${initialized ? 0 : 1}))
  (func $op_is (param $pointer i32) (param $length i32) (result i32)
    (local $index i32)
    (if (i32.ne (local.get $length) (global.get $op_len)) (then (return (i32.const 0))))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $index) (local.get $length)))
      (if (i32.ne (i32.load8_u (i32.add (i32.const 1024) (local.get $index)))
                  (i32.load8_u (i32.add (local.get $pointer) (local.get $index))))
        (then (return (i32.const 0))))
      (local.set $index (i32.add (local.get $index) (i32.const 1)))
      (br $next)))
    (i32.const 1))
  (func $ensure_memory (param $end i32)
    (local $pages i32)
    (local.set $pages (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)) (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then (unreachable))))))
  (func $host (param $operation i32) (param $operation_length i32) (param $payload i32) (param $payload_length i32) (result i32)
    (call $host_call ${ref('wasmpipe')} ${ref('v0')} (local.get $operation) (local.get $operation_length)
      (local.get $payload) (local.get $payload_length)))
  ${startFunctions}
  (func (export "${options.guestCallExport ?? '__guest_call'}") (param $op_len i32) (param $len i32) (result i32)
    (global.set $op_len (local.get $op_len))
    (global.set $len (local.get $len))
    (if (i32.eqz (global.get $initialized)) (then (call $guest_error ${notInitialized}) (return (i32.const 0))))
    (call $ensure_memory (i32.add (i32.const 65536) (local.get $len)))
    (call $guest_request (i32.const 1024) (i32.const 65536))
    (if (call $op_is ${names.describe}) (then (call $guest_response ${describe}) (return (i32.const 1))))
    (if (call $op_is ${names.configure}) (then ${configure}))
    (if (i32.or (call $op_is ${names.metrics}) (call $op_is ${names.logs})) (then ${process}))
    (if (call $op_is ${names.probeConfig})
      (then (call $guest_response (i32.const 32768) (global.get $config_len)) (return (i32.const 1))))
    ${wasi ? `(if (call $op_is ${names.probeWasi}) (then ${probeWasi(ref)}))` : ''}
    (if (call $op_is ${names.probeHostError}) (then ${probeHostError(ref)}))
    (call $guest_error ${ref('unknown operation')})
    (i32.const 0))
  ${data.segments.join('\n  ')}
)`;
}

function processBody(
  behaviour: ProcessBehaviour,
  ref: (value: Uint8Array | string) => string,
  respond: (bytes: Uint8Array | string) => string,
  emptyMap: Uint8Array,
  batchKey: Uint8Array,
  wasi: boolean,
): string {
  switch (behaviour) {
    case 'unchanged':
      return respond(emptyMap);
    case 'trap':
      return '(unreachable)';
    case 'loop':
      return '(loop $forever (br $forever)) (unreachable)';
    case 'grow':
      return '(loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))) (unreachable)';
    case 'not_msgpack':
      return respond(new Uint8Array([0xc1, 0x00]));
    case 'wrong_types':
      return respond(new Uint8Array([0x81, ...batchKey, 0x92, 0x90, 0xa1, 0x78]));
    case 'drop_all':
      return respond(new Uint8Array([0x81, ...batchKey, 0x92, 0x90, 0x90]));
    case 'echo': {
      // {batch: <input>}: the 7-byte map header and key just before the payload at 65536.
      const prefix = new Uint8Array([0x81, ...batchKey]);
      return `(memory.copy (i32.const ${65536 - prefix.length}) ${ref(prefix)})
        (call $guest_response (i32.const ${65536 - prefix.length}) (i32.add (global.get $len) (i32.const ${prefix.length})))
        (return (i32.const 1))`;
    }
    case 'guest_error':
      return `(call $guest_error ${ref('the batch was refused by the guest')}) (return (i32.const 0))`;
    case 'exit':
      if (!wasi) throw new Error('The exit behaviour needs the WASI imports.');
      return '(call $proc_exit (i32.const 3)) (unreachable)';
    case 'host_calls':
      return hostCalls(ref, respond, emptyMap);
  }
}

// Logs, adds 1 to counter "batches", then reads state "calls" (a 4-byte bin, or nil), adds one
// and writes it back. The state_set payload {key: "calls", value: bin 4} is built at 4096.
function hostCalls(
  ref: (value: Uint8Array | string) => string,
  respond: (bytes: Uint8Array | string) => string,
  emptyMap: Uint8Array,
): string {
  const setPrefix = encode({ key: 'calls', value: new Uint8Array(4) }).subarray(0, -4);
  return `
    (drop (call $host ${ref('log')} ${ref(encode({ level: 1, message: 'Processed a batch.' }))}))
    (drop (call $host ${ref('metric')} ${ref(encode({ kind: 0, name: 'batches', value: 1, attributes: { guest: 'wat' } }))}))
    (if (i32.eqz (call $host ${ref('state_get')} ${ref(encode('calls'))})) (then (unreachable)))
    (call $host_response (i32.const 4200))
    (memory.copy (i32.const 4096) ${ref(setPrefix)})
    (i32.store (i32.const ${4096 + setPrefix.length})
      (i32.add (i32.const 1)
        (select (i32.load (i32.const 4202)) (i32.const 0) (i32.eq (i32.load8_u (i32.const 4200)) (i32.const 0xc4)))))
    (if (i32.eqz (call $host ${ref('state_set')} (i32.const 4096) (i32.const ${setPrefix.length + 4}))) (then (unreachable)))
    ${respond(emptyMap)}`;
}

// Answers 40 bytes: argc, argv size, environ count, environ size (u32 each), the realtime clock
// (u64) and 16 random bytes, after writing "hello from wasi" to stdout.
function probeWasi(ref: (value: Uint8Array | string) => string): string {
  return `
    (drop (call $args_sizes_get (i32.const 8192) (i32.const 8196)))
    (drop (call $environ_sizes_get (i32.const 8200) (i32.const 8204)))
    (drop (call $clock_time_get (i32.const 0) (i64.const 1000) (i32.const 8208)))
    (drop (call $random_get (i32.const 8216) (i32.const 16)))
    (i32.store (i32.const 8240) (i32.const 8256)) (i32.store (i32.const 8244) (i32.const 16))
    (memory.copy (i32.const 8256) ${ref('hello from wasi\n')})
    (drop (call $fd_write (i32.const 1) (i32.const 8240) (i32.const 1) (i32.const 8248)))
    (call $guest_response (i32.const 8192) (i32.const 40))
    (return (i32.const 1))`;
}

// Calls an operation the host does not serve, then answers the host error's bytes as read
// through __host_error_len and __host_error.
function probeHostError(ref: (value: Uint8Array | string) => string): string {
  return `
    (if (call $host ${ref('nöpe')} (i32.const 0) (i32.const 0)) (then (unreachable)))
    (call $host_error (i32.const 12288))
    (call $guest_response (i32.const 12288) (call $host_error_len))
    (return (i32.const 1))`;
}

/** Compiles a test guest. */
export function buildGuest(options: GuestOptions = {}): Promise<Uint8Array> {
  return compileWat(guestWat(options));
}
