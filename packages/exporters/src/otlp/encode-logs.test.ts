import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogsBatch } from '@wasmpipe/core';
import { decodeLogsRequest } from '../testing/official-schema.ts';
import { EVERY_ANY_VALUE, sampleLogsBatch } from '../testing/sample-batches.ts';
import { encodeLogsRequest } from './encode-logs.ts';
import { anyValueJson, logsToOtlpJson } from './otlp-json.ts';

type Json = Record<string, unknown>;

function records(decoded: Json): Json[] {
  const resourceLogs = decoded.resourceLogs as { scopeLogs: { logRecords: Json[] }[] }[];
  return resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
}

describe('encodeLogsRequest', () => {
  const batch = sampleLogsBatch();
  const decoded = decodeLogsRequest(encodeLogsRequest(batch));

  test('a record with every field decodes with the official schema', () => {
    const record = records(decoded)[0] as Json;
    assert.equal(record.timeUnixNano, '1700000000000000000');
    assert.equal(record.observedTimeUnixNano, '1700000010123456789');
    assert.equal(record.severityNumber, 9);
    assert.equal(record.severityText, 'INFO');
    assert.deepEqual(record.body, { stringValue: 'GET / HTTP/1.1 200' });
    assert.equal(record.droppedAttributesCount, 3);
    assert.equal(record.flags, 0xffffffff);
    assert.equal(Buffer.from(record.traceId as string, 'base64').toString('hex'), '0102030405060708090a0b0c0d0e0f10');
    assert.equal(Buffer.from(record.spanId as string, 'base64').toString('hex'), 'f0f1f2f3f4f5f6f7');
    assert.equal((record.attributes as unknown[]).length, Object.keys(EVERY_ANY_VALUE).length);
  });

  test('every AnyValue kind works as a body', () => {
    const bodies = records(decoded)
      .slice(1, -1)
      .map((record) => record.body ?? {});
    assert.deepEqual(bodies, Object.values(EVERY_ANY_VALUE).map(anyValueJson));
  });

  test('a minimal record carries no default fields', () => {
    assert.deepEqual(records(decoded).at(-1), {});
  });

  test('resource, scope and schema URLs land in their fields; the whole batch matches its OTLP/JSON form', () => {
    const resourceLogs = (decoded.resourceLogs as Json[])[0] as Json;
    assert.deepEqual(resourceLogs.resource, { attributes: [{ key: 'service.name', value: { stringValue: 'nginx' } }] });
    assert.equal(resourceLogs.schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
    const scopeLogs = (resourceLogs.scopeLogs as Json[])[0] as Json;
    assert.deepEqual(scopeLogs.scope, { name: 'wasmpipe/nginx_access_log', version: '1.2.3' });
    assert.equal(scopeLogs.schemaUrl, 'https://opentelemetry.io/schemas/1.25.0');
    const json = logsToOtlpJson(batch) as { resourceLogs: { scopeLogs: { logRecords: Json[] }[] }[] };
    // The official 0.52.1 schema predates `event_name` (field 12); it skips it as unknown.
    delete json.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.eventName;
    const withHexIds = records(decoded).map((record) =>
      record.traceId
        ? {
            ...record,
            traceId: Buffer.from(record.traceId as string, 'base64').toString('hex'),
            spanId: Buffer.from(record.spanId as string, 'base64').toString('hex'),
          }
        : record,
    );
    assert.deepEqual(withHexIds, json.resourceLogs[0]?.scopeLogs[0]?.logRecords);
  });

  test('event_name is written as field 12', () => {
    const bytes = encodeLogsRequest({
      resourceLogs: [
        {
          resource: { attributes: {} },
          scopeLogs: [
            { scope: { name: '' }, logRecords: [{ observedTimeUnixNano: 0n, attributes: {}, eventName: 'e' }] },
          ],
        },
      ],
    });
    // resource_logs(1){ resource(1){} scope_logs(2){ scope(1){} log_records(2){ event_name(12)="e" } } }
    assert.deepEqual([...bytes], [0x0a, 0x0b, 0x0a, 0x00, 0x12, 0x07, 0x0a, 0x00, 0x12, 0x03, 0x62, 0x01, 0x65]);
  });

  test('an empty batch is an empty message, and 100k records decode', () => {
    assert.equal(encodeLogsRequest({ resourceLogs: [] }).length, 0);
    const logRecords = Array.from({ length: 100_000 }, (_, index) => ({
      timeUnixNano: 1_700_000_000_000_000_000n + BigInt(index),
      observedTimeUnixNano: 1_700_000_000_000_000_000n,
      severityNumber: 9,
      body: `request ${index}`,
      attributes: { 'http.status_code': 200, path: `/p/${index % 7}` },
    }));
    const large: LogsBatch = {
      resourceLogs: [{ resource: { attributes: {} }, scopeLogs: [{ scope: { name: 's' }, logRecords }] }],
    };
    const result = decodeLogsRequest(encodeLogsRequest(large));
    assert.deepEqual(result, logsToOtlpJson(large));
  });
});
