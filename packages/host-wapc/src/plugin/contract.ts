// Constants of contracts/wasmpipe.apexlang that the host needs at run time. A test checks them
// against the IDL so the two cannot drift.

/** The contract version this host speaks (the IDL namespace's `@version`). */
export const CONTRACT_VERSION = '0.1.0';

/** The waPC binding and namespace of the contract's host calls. */
export const HOST_BINDING = 'wasmpipe';
export const HOST_NAMESPACE = 'v0';

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

/** True when a plugin built against `version` can run on this host (same major; same minor while 0.x). */
export function isCompatibleContract(version: string): boolean {
  const [major, minor] = version.split('.');
  const [hostMajor, hostMinor] = CONTRACT_VERSION.split('.');
  return major === hostMajor && (hostMajor !== '0' || minor === hostMinor);
}
