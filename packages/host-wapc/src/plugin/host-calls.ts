// The host functions a plugin may call. This slice serves `log`; `metric` and `clock` are in the
// contract but not served yet, and every other call is refused with a message naming it.

import { Decoder } from '@msgpack/msgpack';
import { isPlainObject, type Logger, type LogLevel } from '@wasmpipe/core';
import { HOST_BINDING, HOST_NAMESPACE } from './contract.ts';
import type { HostCallHandler } from './contract-host.ts';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const EMPTY = new Uint8Array(0);
const decoder = new Decoder();

/** Builds the host-call handler of one plugin, logging through `logger`. */
export function createHostCallHandler(logger: Logger): HostCallHandler {
  return (binding, namespace, operation, payload) => {
    if (binding === HOST_BINDING && namespace === HOST_NAMESPACE && operation === 'log') {
      const { level, message } = readLogCall(payload);
      logger[level](message, { source: 'plugin' });
      return EMPTY;
    }
    throw new Error(
      `Host call refused: binding "${binding}", namespace "${namespace}", operation "${operation}". ` +
        `This host serves only "${HOST_BINDING}" "${HOST_NAMESPACE}" "log".`,
    );
  };
}

function readLogCall(payload: Uint8Array): { level: LogLevel; message: string } {
  const call = decoder.decode(payload);
  if (!isPlainObject(call) || typeof call['message'] !== 'string') {
    throw new Error('The log host call expects a map {level, message} with a string message.');
  }
  const level = call['level'];
  const named = typeof level === 'number' ? LEVELS[level] : LEVELS.find((name) => name === level);
  return { level: named ?? 'info', message: call['message'] };
}
