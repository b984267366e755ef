// Names, units and labels as the OpenTelemetry "Prometheus and OpenMetrics compatibility" rules
// translate them (the Collector's prometheus exporter and Prometheus's own OTLP translator follow
// the same rules): `http.server.duration` in `s` becomes `http_server_duration_seconds`, a
// monotonic sum gets `_total`, a gauge in `1` gets `_ratio`. Pure functions, tested by tables.

import type { AnyValue } from '@wasmpipe/core';

const UNITS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** What decides a metric's Prometheus name besides its own name. */
export interface NameInput {
  name: string;
  unit?: string;
  /** `counter` gets `_total`; `gauge` with unit `1` gets `_ratio`. */
  kind: 'counter' | 'gauge' | 'histogram' | 'summary';
}

/** Splits text into its ASCII letter-and-digit runs; everything else separates. */
function tokens(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter((token) => token !== '');
}

/** A unit word cleaned to letters, digits and single underscores. */
function cleanUnit(text: string): string {
  return tokens(text).join('_');
}

/** The name and per-name suffixes of a unit: `By/s` gives `bytes` and `second`; `{request}` nothing. */
export function unitSuffixes(unit: string | undefined): { main: string; per: string } {
  const withoutAnnotations = (unit ?? '').replace(/\{[^}]*\}/g, '').trim();
  const [main = '', per = ''] = withoutAnnotations.split('/', 2).map((part) => part.trim());
  return {
    main: main === '' ? '' : cleanUnit(UNITS[main] ?? main),
    per: per === '' ? '' : cleanUnit(PER_UNITS[per] ?? per),
  };
}

/**
 * The Prometheus metric name of an OTLP metric. With `addSuffixes` (the default), the unit and type
 * suffixes are appended unless the name already has them; without, the name is only made valid.
 */
export function prometheusMetricName(input: NameInput, namespace: string, addSuffixes: boolean): string {
  let parts = tokens(input.name);
  if (addSuffixes) {
    const { main, per } = unitSuffixes(input.unit);
    if (main !== '' && !parts.includes(main)) parts.push(main);
    if (per !== '' && !parts.includes(per)) parts.push('per', per);
    if (input.kind === 'counter') parts = [...parts.filter((part) => part !== 'total'), 'total'];
    if (input.kind === 'gauge' && input.unit === '1') parts = [...parts.filter((part) => part !== 'ratio'), 'ratio'];
  }
  if (namespace !== '') parts.unshift(...tokens(namespace));
  const name = parts.join('_');
  if (name === '') return '_';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The OpenMetrics UNIT of a metric named `name`, when the name ends with it; otherwise undefined. */
export function openMetricsUnit(name: string, unit: string | undefined): string | undefined {
  const { main, per } = unitSuffixes(unit);
  const word = per === '' ? main : main === '' ? `per_${per}` : `${main}_per_${per}`;
  if (word === '') return undefined;
  const family = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  return family.endsWith(`_${word}`) ? word : undefined;
}

/** A valid Prometheus label name: invalid characters become `_`, runs of `_` one, a leading digit gets `key_`. */
export function prometheusLabelName(key: string): string {
  let label = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_');
  if (label === '' || label === '_') return 'key_';
  if (/^[0-9]/.test(label)) label = `key_${label}`;
  else if (label.startsWith('_') && !key.startsWith('__')) label = `key${label}`;
  return label;
}

/** An attribute value as a label value, as OTLP's attribute rules stringify it. */
export function labelValue(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
  }
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) {
    let binary = '';
    for (const byte of value) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
  return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item));
}

/**
 * Adds attributes to a label set, translating names; when two keys translate to the same label,
 * their values are joined with `;` in the order of the original keys, as the rules say.
 */
export function addLabels(labels: Map<string, string>, attributes: Readonly<Record<string, AnyValue>>): void {
  const keys = Object.keys(attributes).sort();
  const added = new Map<string, string[]>();
  for (const key of keys) {
    const name = prometheusLabelName(key);
    const values = added.get(name) ?? [];
    values.push(labelValue(attributes[key] as AnyValue));
    added.set(name, values);
  }
  for (const [name, values] of added) labels.set(name, values.join(';'));
}
