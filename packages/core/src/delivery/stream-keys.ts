// The streams a batch carries, as small numbers. Two batches that share a key may hold points of
// the same series (or records of the same log stream), so the sending queue never sends them at
// the same time and never lets the later one overtake the earlier one. A stream belongs to one
// resource, so the key is a hash of the signal and the resource's attributes; a hash collision
// only costs some parallelism, never order.

import type { AnyValue, Attributes, Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';

/** The distinct stream keys of a batch. */
export function streamKeys(signal: Signal, batch: MetricsBatch | LogsBatch): number[] {
  const resources =
    signal === 'metrics'
      ? (batch as MetricsBatch).resourceMetrics.map((entry) => entry.resource)
      : (batch as LogsBatch).resourceLogs.map((entry) => entry.resource);
  const keys = new Set<number>();
  for (const resource of resources) keys.add(hashText(`${signal}\u0000${canonical(resource?.attributes ?? {})}`));
  return [...keys];
}

/** Attributes as text that does not depend on key order. */
function canonical(attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  let text = '';
  for (const key of keys) text += `${key}\u0001${valueText(attributes[key] as AnyValue)}\u0002`;
  return text;
}

function valueText(value: AnyValue): string {
  if (value === null || value === undefined) return 'n';
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `d${value}`;
    case 'bigint':
      return `i${value}`;
    case 'boolean':
      return value ? 't' : 'f';
  }
  if (value instanceof Uint8Array) return `b${Array.from(value).join(',')}`;
  if (Array.isArray(value)) return `[${value.map(valueText).join('\u0003')}]`;
  return `{${canonical(value as Attributes)}}`;
}

/** FNV-1a, 32 bits. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
