// Hand-built guests for tests. Each answers `describe` and `configure` (operation names of at
// most 9 bytes) with its describe map; process operations (longer names) either trap or answer
// `{}` (keep the batch unchanged).

import { encode } from '@msgpack/msgpack';
import { CONTRACT_VERSION } from '../generated/contract.ts';
import { buildModule, signed } from './wasm-builder.ts';

const GUEST_RESPONSE = { module: 'wapc', name: '__guest_response', parameters: 2, results: 0 } as const;

/** Builds a guest that handles `signals` (both by default) and, on process calls, traps or keeps everything. */
export function buildTestGuest(behaviour: 'trap' | 'unchanged', signals: string[] = ['metrics', 'logs']): Uint8Array {
  const describe = encode({
    name: 'test-guest',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    signals,
  });
  const data = new Uint8Array([...describe, 0x80]);
  const isProcess = [0x20, 0x00, 0x41, ...signed(9), 0x4b]; // local.get 0; i32.const 9; i32.gt_u
  const trap = behaviour === 'trap' ? [...isProcess, 0x04, 0x40, 0x00, 0x0b] : []; // if unreachable end
  const body = [
    ...trap,
    ...[0x41, ...signed(describe.length), 0x41, 0x00, ...isProcess, 0x1b], // pointer: select
    ...[0x41, 0x01, 0x41, ...signed(describe.length), ...isProcess, 0x1b], // length: select
    ...[0x10, 0x00], // call __guest_response
    ...[0x41, 0x01], // i32.const 1
  ];
  return buildModule({ imports: [GUEST_RESPONSE], body, data });
}

/** Builds a guest that imports a function from outside the `wapc` module. */
export function buildGuestImporting(module: string, name: string): Uint8Array {
  return buildModule({ imports: [GUEST_RESPONSE, { module, name, parameters: 4, results: 0 }], body: [0x41, 0x01] });
}
