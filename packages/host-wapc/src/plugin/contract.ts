// Constants of contracts/wasmpipe.apexlang that the host needs at run time, generated from the
// IDL (src/generated/contract.ts), and the version rule.

import { CONTRACT_VERSION, OLDEST_COMPATIBLE_CONTRACT } from '../generated/contract.ts';

export {
  CONTRACT_VERSION,
  HOST_BINDING,
  HOST_NAMESPACE,
  OLDEST_COMPATIBLE_CONTRACT,
} from '../generated/contract.ts';

/** The waPC protocol functions a guest may import from module `wapc`. */
export const WAPC_IMPORTS: ReadonlySet<string> = new Set([
  '__guest_request',
  '__guest_response',
  '__guest_error',
  '__host_call',
  '__host_response_len',
  '__host_response',
  '__host_error_len',
  '__host_error',
  '__console_log',
]);

/**
 * True when a plugin built against `version` can run on this host: the same major, and
 * OLDEST_COMPATIBLE_CONTRACT <= version <= CONTRACT_VERSION comparing major.minor (contracts/README.md).
 */
export function isCompatibleContract(version: string): boolean {
  const plugin = majorMinor(version);
  const host = majorMinor(CONTRACT_VERSION);
  const oldest = majorMinor(OLDEST_COMPATIBLE_CONTRACT);
  if (!plugin || !host || !oldest || plugin[0] !== host[0]) return false;
  const rank = ([major, minor]: [number, number]) => major * 1_000_000 + minor;
  return rank(oldest) <= rank(plugin) && rank(plugin) <= rank(host);
}

function majorMinor(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}
