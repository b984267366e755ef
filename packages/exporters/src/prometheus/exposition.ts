// Writes the held families in the Prometheus text format 0.0.4 or OpenMetrics 1.0, and picks
// between them from a scrape's Accept header. Pure functions.

import type { Family, Series, Target } from './metric-store.ts';
import { openMetricsUnit } from './translate.ts';

/** The two exposition formats. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** The Content-Type of each format. */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** OpenMetrics when the Accept header asks for it at least as much as for text; text otherwise. */
export function negotiateFormat(accept: string | null): ExpositionFormat {
  if (!accept) return 'text';
  let openMetrics = 0;
  let text = 0;
  for (const part of accept.split(',')) {
    const [mediaType = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const qParameter = parameters.find((parameter) => parameter.startsWith('q='));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2)) || 0;
    if (mediaType === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (mediaType === 'text/plain') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'text';
}

/** A sample value: integers plainly, NaN and the infinities as Prometheus spells them. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(help: string, format: ExpositionFormat): string {
  const escaped = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

function labelText(labels: readonly (readonly [string, string])[], extra?: readonly [string, string]): string {
  const all = extra ? [...labels, extra] : labels;
  if (all.length === 0) return '';
  return `{${all.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Writes every family and the targets in the given format, with sample timestamps when asked. */
export function writeExposition(
  families: readonly Family[],
  targets: readonly Target[],
  format: ExpositionFormat,
  sendTimestamps: boolean,
): string {
  const lines: string[] = [];
  const stamp = (series: Series) => {
    if (!sendTimestamps || series.timeUnixNano === 0n) return '';
    const millis = series.timeUnixNano / 1_000_000n;
    return format === 'openmetrics' ? ` ${formatValue(Number(millis) / 1000)}` : ` ${millis}`;
  };
  for (const family of families) {
    // OpenMetrics names a counter family without its `_total`; the samples keep it.
    const counterFamily = family.type === 'counter' && family.name.endsWith('_total');
    const familyName = format === 'openmetrics' && counterFamily ? family.name.slice(0, -'_total'.length) : family.name;
    const sampleName = format === 'openmetrics' && family.type === 'counter' ? `${familyName}_total` : family.name;
    if (family.help !== '') lines.push(`# HELP ${familyName} ${escapeHelp(family.help, format)}`);
    lines.push(`# TYPE ${familyName} ${family.type}`);
    if (format === 'openmetrics') {
      const unit = openMetricsUnit(familyName, family.unit);
      if (unit !== undefined) lines.push(`# UNIT ${familyName} ${unit}`);
    }
    for (const series of family.series.values()) {
      const time = stamp(series);
      if (series.kind === 'number') {
        lines.push(`${sampleName}${labelText(series.labels)} ${formatValue(series.value)}${time}`);
      } else if (series.kind === 'histogram') {
        let cumulative = 0;
        series.bounds.forEach((bound, index) => {
          cumulative += series.buckets[index] ?? 0;
          lines.push(
            `${family.name}_bucket${labelText(series.labels, ['le', formatValue(bound)])} ${cumulative}${time}`,
          );
        });
        lines.push(`${family.name}_bucket${labelText(series.labels, ['le', '+Inf'])} ${series.count}${time}`);
        if (series.sum !== undefined)
          lines.push(`${family.name}_sum${labelText(series.labels)} ${formatValue(series.sum)}${time}`);
        lines.push(`${family.name}_count${labelText(series.labels)} ${series.count}${time}`);
      } else {
        for (const { quantile, value } of series.quantiles) {
          lines.push(
            `${family.name}${labelText(series.labels, ['quantile', formatValue(quantile)])} ${formatValue(value)}${time}`,
          );
        }
        lines.push(`${family.name}_sum${labelText(series.labels)} ${formatValue(series.sum)}${time}`);
        lines.push(`${family.name}_count${labelText(series.labels)} ${series.count}${time}`);
      }
    }
  }
  if (targets.length > 0) {
    lines.push('# HELP target_info Target metadata');
    lines.push(format === 'openmetrics' ? '# TYPE target info' : '# TYPE target_info gauge');
    for (const target of targets) lines.push(`target_info${labelText(target.labels)} 1`);
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
