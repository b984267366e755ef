// The host functions a plugin may call (binding `wasmpipe`, namespace `v0`, contracts/README.md):
// log, metric, state_get, state_set, state_delete and clock, with payloads checked by the
// generated readers. Every other call is refused with a message naming it. A throw here becomes a
// host error the guest reads.

import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Logger } from '@wasmpipe/core';
import {
  HOST_BINDING,
  HOST_NAMESPACE,
  HOST_OPERATIONS,
  INSTRUMENT_KIND_NAMES,
  LOG_LEVEL_NAMES,
} from '../generated/contract.ts';
import {
  readHostLogCall,
  readHostMetricCall,
  readHostStateDeleteCall,
  readHostStateGetCall,
  readHostStateSetCall,
} from '../generated/host-calls.ts';
import type { PluginStateStore } from '../state/state-backend.ts';
import type { HostCallHandler } from './contract-host.ts';
import { clockAnswer } from './host-clock.ts';
import type { PluginMetrics } from './plugin-metrics.ts';

/** What the host functions act on. Without `metrics` or `state` those calls are refused. */
export interface HostServices {
  /** The plugin's logger (the component's, tagged with the plugin). */
  logger: Logger;
  metrics?: PluginMetrics;
  state?: PluginStateStore;
}

const EMPTY = new Uint8Array(0);
const NIL = new Uint8Array([0xc0]);
const decoder = new Decoder({ useBigInt64: false });
const encoder = new Encoder();

/** Builds the host-call handler of one plugin. */
export function createHostCallHandler(services: HostServices): HostCallHandler {
  return (binding, namespace, operation, payload) => {
    if (binding !== HOST_BINDING || namespace !== HOST_NAMESPACE) {
      throw new Error(
        `Host call refused: binding "${binding}", namespace "${namespace}", operation "${operation}". ` +
          `This host serves binding "${HOST_BINDING}", namespace "${HOST_NAMESPACE}".`,
      );
    }
    switch (operation) {
      case 'log': {
        const call = readHostLogCall(decode(payload));
        services.logger[LOG_LEVEL_NAMES[call.level] ?? 'info'](call.message, { source: 'plugin' });
        return EMPTY;
      }
      case 'metric': {
        const call = readHostMetricCall(decode(payload));
        if (!services.metrics) throw new Error('This host does not record plugin metrics here.');
        const kind = INSTRUMENT_KIND_NAMES[call.kind] ?? 'counter';
        services.metrics.record(kind, call.name, call.value, call.attributes);
        return EMPTY;
      }
      case 'state_get': {
        const value = store(services).get(readHostStateGetCall(decode(payload)).key);
        return value ? encoder.encode(value) : NIL;
      }
      case 'state_set': {
        const call = readHostStateSetCall(decode(payload));
        store(services).set(call.key, call.value);
        return EMPTY;
      }
      case 'state_delete':
        store(services).delete(readHostStateDeleteCall(decode(payload)).key);
        return EMPTY;
      case 'clock':
        return clockAnswer();
      default:
        throw new Error(
          `Host call refused: this host has no operation "${operation}"; it serves ${HOST_OPERATIONS.join(', ')}.`,
        );
    }
  };
}

function decode(payload: Uint8Array): unknown {
  if (payload.length === 0) return null;
  try {
    return decoder.decode(payload);
  } catch (error) {
    throw new Error(`The host call payload is not msgpack: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

function store(services: HostServices): PluginStateStore {
  if (!services.state) throw new Error('This host has no state store for the plugin here.');
  return services.state;
}
