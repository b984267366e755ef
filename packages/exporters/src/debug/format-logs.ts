// Text renderings of a logs batch at the debug exporter's three verbosities.

import { countLogRecords, type LogRecord, type LogsBatch } from '@wasmpipe/core';
import { hex } from '../otlp/otlp-json.ts';
import { bracedAttributes, formatAttributes, formatTime, formatValue, severityName } from './format-value.ts';

/** One line counting what a logs batch holds. */
export function logsSummary(batch: LogsBatch): string {
  return `Logs: ${batch.resourceLogs.length} resource(s), ${countLogRecords(batch)} log record(s).`;
}

/** The summary line, then one line per log record: time, severity, body, attributes. */
export function logsNormal(batch: LogsBatch): string[] {
  const lines = [logsSummary(batch)];
  for (const resourceLogs of batch.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) {
        const body = record.body === undefined ? '' : ` ${bodyText(record, false)}`;
        const attributes = bracedAttributes(record.attributes, false);
        const time = formatTime(record.timeUnixNano ?? record.observedTimeUnixNano);
        lines.push(
          `${time} ${severityName(record.severityNumber, record.severityText)}${body}${attributes ? ` ${attributes}` : ''}`,
        );
      }
    }
  }
  return lines;
}

/** Everything: resources, scopes and every field of every record. */
export function logsDetailed(batch: LogsBatch): string[] {
  const lines = [logsSummary(batch)];
  batch.resourceLogs.forEach((resourceLogs, resourceIndex) => {
    lines.push(`ResourceLogs #${resourceIndex}${resourceLogs.schemaUrl ? ` (schema ${resourceLogs.schemaUrl})` : ''}`);
    const resource = resourceLogs.resource;
    const resourceDropped = resource.droppedAttributesCount ? ` (dropped ${resource.droppedAttributesCount})` : '';
    lines.push(`  Resource: ${formatAttributes(resource.attributes, true) || '-'}${resourceDropped}`);
    resourceLogs.scopeLogs.forEach((scopeLogs, scopeIndex) => {
      const scope = scopeLogs.scope;
      const schema = scopeLogs.schemaUrl ? ` (schema ${scopeLogs.schemaUrl})` : '';
      lines.push(
        `  ScopeLogs #${scopeIndex} ${scope.name || '(unnamed)'}${scope.version ? ` ${scope.version}` : ''}${schema}`,
      );
      if (scope.attributes && Object.keys(scope.attributes).length > 0) {
        lines.push(`    Scope attributes: ${formatAttributes(scope.attributes, true)}`);
      }
      scopeLogs.logRecords.forEach((record, recordIndex) => {
        lines.push(`    LogRecord #${recordIndex}`);
        for (const [name, value] of recordFields(record)) lines.push(`      ${name}: ${value}`);
      });
    });
  });
  return lines;
}

function recordFields(record: LogRecord): [string, string][] {
  const fields: [string, string][] = [
    ['Time', formatTime(record.timeUnixNano)],
    ['Observed time', formatTime(record.observedTimeUnixNano)],
    ['Severity', `${severityName(record.severityNumber, record.severityText)} (${record.severityNumber ?? 0})`],
  ];
  if (record.eventName) fields.push(['Event name', record.eventName]);
  fields.push(['Body', record.body === undefined ? '-' : bodyText(record, true)]);
  fields.push(['Attributes', formatAttributes(record.attributes, true) || '-']);
  if (record.droppedAttributesCount) fields.push(['Dropped attributes', String(record.droppedAttributesCount)]);
  if (record.traceId?.length) fields.push(['Trace id', hex(record.traceId)]);
  if (record.spanId?.length) fields.push(['Span id', hex(record.spanId)]);
  if (record.flags) fields.push(['Flags', `0x${record.flags.toString(16)}`]);
  return fields;
}

/** A string body is shown as it is (it is the message), line breaks escaped; other bodies as values. */
function bodyText(record: LogRecord, full: boolean): string {
  const body = record.body;
  if (typeof body !== 'string') return formatValue(body ?? null, full);
  const text = full || body.length <= 200 ? body : `${body.slice(0, 200)}… (${body.length} chars)`;
  return text.replace(/\r?\n/g, '\\n');
}
