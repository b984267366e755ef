// Human-readable renderings of attribute values, attributes and timestamps for the debug exporter.

import type { AnyValue, Attributes } from '@wasmpipe/core';
import { hex } from '../otlp/otlp-json.ts';

/** Strings longer than this are shortened at `normal` verbosity. */
const SHORT_TEXT = 120;

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

/** Renders a value compactly: bare words stay bare, other strings are quoted, bytes are hex. */
export function formatValue(value: AnyValue, full: boolean): string {
  switch (typeof value) {
    case 'string': {
      const text =
        !full && value.length > SHORT_TEXT ? `${value.slice(0, SHORT_TEXT)}… (${value.length} chars)` : value;
      return /^[\w./:@+-]+$/.test(text) ? text : JSON.stringify(text);
    }
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
  }
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return `0x${hex(value)}`;
  if (Array.isArray(value))
    return `[${(value as readonly AnyValue[]).map((item) => formatValue(item, full)).join(', ')}]`;
  return `{${formatAttributes(value as Attributes, full)}}`;
}

/** Renders attributes as `key=value` pairs separated by spaces. */
export function formatAttributes(attributes: Attributes | undefined, full: boolean): string {
  if (attributes === undefined) return '';
  const parts: string[] = [];
  for (const key in attributes) parts.push(`${key}=${formatValue(attributes[key] as AnyValue, full)}`);
  return parts.join(' ');
}

/** Renders attributes in braces, or nothing when there are none. */
export function bracedAttributes(attributes: Attributes | undefined, full: boolean): string {
  const text = formatAttributes(attributes, full);
  return text === '' ? '' : `{${text}}`;
}

/** Renders unix nanoseconds as an ISO-8601 UTC time with all nine fraction digits. */
export function formatTime(nanos: bigint | undefined): string {
  if (nanos === undefined) return '-';
  const millis = nanos / 1_000_000n;
  const iso = new Date(Number(millis)).toISOString();
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** The severity text of a record, or the OTLP name of its severity number (`INFO`, `WARN3`). */
export function severityName(severityNumber: number | undefined, severityText: string | undefined): string {
  if (severityText) return severityText;
  if (!severityNumber || severityNumber < 1 || severityNumber > 24) return 'UNSPECIFIED';
  const name = SEVERITY_NAMES[Math.floor((severityNumber - 1) / 4)] as string;
  const step = (severityNumber - 1) % 4;
  return step === 0 ? name : `${name}${step + 1}`;
}

/** A number as the debug output shows it; integers stay integers. */
export function formatNumber(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}
