// What the host offers a plugin: its log, the plugin's own metrics, a key-value state store that
// survives hot reload, and the clock. Each is one host call (a few microseconds), so call them
// once per batch, not once per record.

import { InstrumentKind, LogLevel } from './generated/contract';
import {
  callClock,
  callLog,
  callMetric,
  callStateDelete,
  callStateGet,
  callStateSet,
  lastHostCallError,
} from './generated/host-calls';
import { Writer } from './msgpack';

/** Writes a line to the collector's log, tagged with the plugin. */
export function log(level: u8, message: string): bool {
  return callLog(level, message);
}

export function logDebug(message: string): bool {
  return callLog(LogLevel.debug, message);
}

export function logInfo(message: string): bool {
  return callLog(LogLevel.info, message);
}

export function logWarn(message: string): bool {
  return callLog(LogLevel.warn, message);
}

export function logError(message: string): bool {
  return callLog(LogLevel.error, message);
}

/** Attributes of a plugin metric point: string keys and string values, in pairs. */
export class MetricAttributes {
  keys: Array<string> = new Array<string>();
  values: Array<string> = new Array<string>();

  /** Adds an attribute and returns this, for chaining. */
  with(key: string, value: string): MetricAttributes {
    this.keys.push(key);
    this.values.push(value);
    return this;
  }

  encode(): ArrayBuffer {
    const writer = new Writer(64);
    writer.writeMapHeader(this.keys.length);
    for (let index = 0; index < this.keys.length; index++) {
      writer.writeString(unchecked(this.keys[index]));
      writer.writeString(unchecked(this.values[index]));
    }
    return writer.finish();
  }
}

function record(kind: u8, name: string, value: f64, attributes: MetricAttributes | null): bool {
  return callMetric(kind, name, value, attributes == null ? null : attributes.encode());
}

/** Adds `value` (>= 0) to the plugin's counter `name`. */
export function counter(name: string, value: f64, attributes: MetricAttributes | null = null): bool {
  return record(InstrumentKind.counter, name, value, attributes);
}

/** Sets the plugin's gauge `name`. */
export function gauge(name: string, value: f64, attributes: MetricAttributes | null = null): bool {
  return record(InstrumentKind.gauge, name, value, attributes);
}

/** Records `value` in the plugin's histogram `name`. */
export function histogram(name: string, value: f64, attributes: MetricAttributes | null = null): bool {
  return record(InstrumentKind.histogram, name, value, attributes);
}

/** The value stored under `key`, or null (absent, or the call failed: see hostError()). */
export function stateGet(key: string): ArrayBuffer | null {
  return callStateGet(key);
}

/** The value stored under `key` as a string, or null. */
export function stateGetString(key: string): string | null {
  const value = callStateGet(key);
  return value == null ? null : String.UTF8.decode(value);
}

/** Stores `value` under `key`. */
export function stateSet(key: string, value: ArrayBuffer): bool {
  return callStateSet(key, value);
}

/** Stores the string `value` under `key`. */
export function stateSetString(key: string, value: string): bool {
  return callStateSet(key, String.UTF8.encode(value));
}

/** Removes `key`. */
export function stateDelete(key: string): bool {
  return callStateDelete(key);
}

/** The host's current time, unix nanoseconds (0 when the call failed). */
export function now(): u64 {
  return callClock();
}

/** The message of the last host call that failed ('' when the last one succeeded). */
export function hostError(): string {
  return lastHostCallError();
}
