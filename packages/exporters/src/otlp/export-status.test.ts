import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  JsonMetricsSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import { ExportLogsServiceResponse, ExportMetricsServiceResponse } from '../testing/official-schema.ts';
import { decodeStatus, encodeExportResponse, encodeStatus, exportResponseJson, statusJson } from './export-status.ts';
import { readPartialSuccess, readStatusMessage } from './protobuf-reader.ts';

test('an export response is empty on full success and carries a partial success otherwise', () => {
  assert.equal(encodeExportResponse(0, '').length, 0);
  const bytes = encodeExportResponse(3, 'bad points');
  const official = ExportMetricsServiceResponse.toObject(ExportMetricsServiceResponse.decode(bytes), { longs: String });
  assert.deepEqual(official, { partialSuccess: { rejectedDataPoints: '3', errorMessage: 'bad points' } });
  const logs = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(encodeExportResponse(0, 'warn')), {
    longs: String,
  });
  assert.deepEqual(logs, { partialSuccess: { errorMessage: 'warn' } });
  assert.deepEqual(readPartialSuccess(bytes), { rejected: 3, errorMessage: 'bad points' });
  assert.deepEqual(exportResponseJson('logs', 2, 'x'), {
    partialSuccess: { rejectedLogRecords: '2', errorMessage: 'x' },
  });
  assert.deepEqual(exportResponseJson('metrics', 0, ''), {});
});

test('a google.rpc.Status carries its code, message and a RetryInfo delay', () => {
  const bytes = encodeStatus(8, 'slow down', 2500);
  assert.deepEqual(decodeStatus(bytes), { code: 8, message: 'slow down', retryDelayMs: 2500 });
  assert.equal(readStatusMessage(bytes), 'slow down');
  // code(1)=3, message(2)="x": no details.
  assert.deepEqual([...encodeStatus(3, 'x')], [0x08, 0x03, 0x12, 0x01, 0x78]);
  assert.deepEqual(decodeStatus(encodeStatus(14, '', 0)), { code: 14, message: '', retryDelayMs: 0 });
  assert.equal(decodeStatus(Uint8Array.of(0x12, 0x05)), undefined);
  assert.deepEqual(statusJson(8, 'm', 1500), {
    code: 8,
    message: 'm',
    details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
  });
});

test("the OpenTelemetry JS SDK's own serializers read our export responses", () => {
  const metrics = ProtobufMetricsSerializer.deserializeResponse(encodeExportResponse(3, 'bad points')) as {
    partialSuccess?: { rejectedDataPoints?: unknown; errorMessage?: string };
  };
  assert.equal(Number(metrics.partialSuccess?.rejectedDataPoints), 3);
  assert.equal(metrics.partialSuccess?.errorMessage, 'bad points');
  const logs = ProtobufLogsSerializer.deserializeResponse(encodeExportResponse(0, '')) as Record<string, unknown>;
  assert.equal(logs.partialSuccess ?? undefined, undefined);
  const json = JsonMetricsSerializer.deserializeResponse(
    new TextEncoder().encode(JSON.stringify(exportResponseJson('metrics', 2, 'why'))),
  ) as { partialSuccess?: { rejectedDataPoints?: unknown } };
  assert.equal(Number(json.partialSuccess?.rejectedDataPoints), 2);
});
