// LogsBatch <-> the contract's tuple tree (before msgpack encoding, after decoding).

import type { AnyValue, LogRecord, LogsBatch, ResourceLogs, ScopeLogs } from '@wasmpipe/core';
import {
  readAttributes,
  readList,
  readNanos,
  readOptionalBytes,
  readOptionalNanos,
  readOptionalNumber,
  readOptionalText,
  resourceFromWire,
  resourceToWire,
  scopeFromWire,
  scopeToWire,
} from './wire-values.ts';

/** Converts a batch to the tuple tree the contract encodes: [resourceLogs]. */
export function logsBatchToWire(batch: LogsBatch): unknown[] {
  return [batch.resourceLogs.map(resourceLogsToWire)];
}

function resourceLogsToWire(resourceLogs: ResourceLogs): unknown[] {
  return [resourceToWire(resourceLogs.resource), resourceLogs.scopeLogs.map(scopeLogsToWire), resourceLogs.schemaUrl];
}

function scopeLogsToWire(scopeLogs: ScopeLogs): unknown[] {
  return [scopeToWire(scopeLogs.scope), scopeLogs.logRecords.map(logRecordToWire), scopeLogs.schemaUrl];
}

function logRecordToWire(record: LogRecord): unknown[] {
  return [
    record.timeUnixNano,
    record.observedTimeUnixNano,
    record.severityNumber,
    record.severityText,
    record.body,
    record.attributes,
    record.droppedAttributesCount,
    record.flags,
    record.traceId,
    record.spanId,
    record.eventName,
  ];
}

/** Converts a decoded tuple tree back to a batch, checking every field. A nil body reads as absent. */
export function logsBatchFromWire(value: unknown): LogsBatch {
  const [resources] = readList(value, 'logs batch');
  return { resourceLogs: readList(resources, 'resourceLogs').map(resourceLogsFromWire) };
}

function resourceLogsFromWire(value: unknown): ResourceLogs {
  const [resource, scopes, schemaUrl] = readList(value, 'resourceLogs[]');
  const resourceLogs: ResourceLogs = {
    resource: resourceFromWire(resource),
    scopeLogs: readList(scopes, 'scopeLogs').map(scopeLogsFromWire),
  };
  const url = readOptionalText(schemaUrl, 'resourceLogs.schemaUrl');
  if (url !== undefined) resourceLogs.schemaUrl = url;
  return resourceLogs;
}

function scopeLogsFromWire(value: unknown): ScopeLogs {
  const [scope, records, schemaUrl] = readList(value, 'scopeLogs[]');
  const scopeLogs: ScopeLogs = {
    scope: scopeFromWire(scope),
    logRecords: readList(records, 'logRecords').map(logRecordFromWire),
  };
  const url = readOptionalText(schemaUrl, 'scopeLogs.schemaUrl');
  if (url !== undefined) scopeLogs.schemaUrl = url;
  return scopeLogs;
}

function logRecordFromWire(value: unknown): LogRecord {
  const [time, observed, severityNumber, severityText, body, attributes, dropped, flags, traceId, spanId, eventName] =
    readList(value, 'logRecord');
  const record: LogRecord = {
    observedTimeUnixNano: readNanos(observed, 'logRecord.observedTimeUnixNano'),
    attributes: readAttributes(attributes, 'logRecord.attributes'),
  };
  const optional: Partial<LogRecord> = {
    timeUnixNano: readOptionalNanos(time, 'logRecord.timeUnixNano'),
    severityNumber: readOptionalNumber(severityNumber, 'logRecord.severityNumber'),
    severityText: readOptionalText(severityText, 'logRecord.severityText'),
    body: body == null ? undefined : (body as AnyValue),
    droppedAttributesCount: readOptionalNumber(dropped, 'logRecord.droppedAttributesCount'),
    flags: readOptionalNumber(flags, 'logRecord.flags'),
    traceId: readOptionalBytes(traceId, 'logRecord.traceId'),
    spanId: readOptionalBytes(spanId, 'logRecord.spanId'),
    eventName: readOptionalText(eventName, 'logRecord.eventName'),
  };
  for (const [key, item] of Object.entries(optional)) {
    if (item !== undefined) (record as unknown as Record<string, unknown>)[key] = item;
  }
  return record;
}
