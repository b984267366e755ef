// The waPC entry point. A plugin's entry file re-exports it: `export { __guest_call } from
// '@wasmpipe/sdk-assemblyscript/assembly/guest-call'`.

import { handleCall } from '@wapc/as-guest';

/** The waPC entry point the host calls once per operation. */
export function __guest_call(operationSize: usize, payloadSize: usize): bool {
  return handleCall(operationSize, payloadSize);
}
