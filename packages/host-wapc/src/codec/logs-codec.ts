// LogsBatch <-> bytes in the contract layout: [strings, resourceLogs]. Log records are tuples
// (one per record); their field order and the string table are the same as for metrics.

import type { LogRecord, LogsBatch, ResourceLogs, ScopeLogs } from '@wasmpipe/core';
import {
  readInstrumentationScope,
  readLogRecord,
  readResource,
  writeInstrumentationScope,
  writeLogRecord,
  writeResource,
} from '../generated/records.ts';
import { writeOptionalString } from './any-value.ts';
import type { BatchEncoder } from './metrics-codec.ts';
import { WireReader, wireError } from './wire-reader.ts';

/** Encodes a logs batch with `encoder`'s buffers and string table. */
export function encodeLogs(encoder: BatchEncoder, batch: LogsBatch): Uint8Array {
  const { body, table } = encoder;
  body.reset();
  table.reset();
  body.arrayHeader(batch.resourceLogs.length);
  for (const resourceLogs of batch.resourceLogs) {
    body.arrayHeader(3);
    writeResource(body, table, resourceLogs.resource);
    body.arrayHeader(resourceLogs.scopeLogs.length);
    for (const scopeLogs of resourceLogs.scopeLogs) {
      body.arrayHeader(3);
      writeInstrumentationScope(body, table, scopeLogs.scope);
      body.arrayHeader(scopeLogs.logRecords.length);
      for (const record of scopeLogs.logRecords) writeLogRecord(body, table, record);
      writeOptionalString(body, table, scopeLogs.schemaUrl);
    }
    writeOptionalString(body, table, resourceLogs.schemaUrl);
  }
  return encoder.finish();
}

/** Decodes a logs batch, checking every field. A nil body reads as absent. */
export function decodeLogs(bytes: Uint8Array): LogsBatch {
  const reader = new WireReader(bytes);
  const fields = reader.arrayHeader('LogsBatch');
  if (fields < 2) throw wireError('LogsBatch', 'a tuple of 2 fields', `${fields}`);
  reader.readStringTable('LogsBatch.strings');
  const count = reader.arrayHeader('LogsBatch.resourceLogs');
  const resourceLogs = new Array<ResourceLogs>(count);
  for (let index = 0; index < count; index++) resourceLogs[index] = readResourceLogs(reader);
  reader.skipMany(fields - 2, 'LogsBatch');
  if (reader.position !== bytes.length) throw wireError('LogsBatch', 'the whole payload', 'trailing bytes');
  return { resourceLogs };
}

function readResourceLogs(reader: WireReader): ResourceLogs {
  const fields = reader.arrayHeader('ResourceLogs');
  if (fields < 2) throw wireError('ResourceLogs', 'a tuple of at least 2 fields', `${fields}`);
  const resource = readResource(reader);
  const count = reader.arrayHeader('ResourceLogs.scopeLogs');
  const scopeLogs = new Array<ScopeLogs>(count);
  for (let index = 0; index < count; index++) scopeLogs[index] = readScopeLogs(reader);
  const result: ResourceLogs = { resource, scopeLogs };
  const schemaUrl = fields > 2 ? reader.optionalString('ResourceLogs.schemaUrl') : undefined;
  if (schemaUrl !== undefined) result.schemaUrl = schemaUrl;
  reader.skipMany(fields - 3, 'ResourceLogs');
  return result;
}

function readScopeLogs(reader: WireReader): ScopeLogs {
  const fields = reader.arrayHeader('ScopeLogs');
  if (fields < 2) throw wireError('ScopeLogs', 'a tuple of at least 2 fields', `${fields}`);
  const scope = readInstrumentationScope(reader);
  const count = reader.arrayHeader('ScopeLogs.logRecords');
  const logRecords = new Array<LogRecord>(count);
  for (let index = 0; index < count; index++) logRecords[index] = readLogRecord(reader);
  const result: ScopeLogs = { scope, logRecords };
  const schemaUrl = fields > 2 ? reader.optionalString('ScopeLogs.schemaUrl') : undefined;
  if (schemaUrl !== undefined) result.schemaUrl = schemaUrl;
  reader.skipMany(fields - 3, 'ScopeLogs');
  return result;
}
