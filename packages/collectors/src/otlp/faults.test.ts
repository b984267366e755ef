// Faults at the receiver, one test each: the right status code and google.rpc.Status, the request
// counted, and the receiver still taking good data afterwards (no crash, no stuck slot).

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync, constants as zlib } from 'node:zlib';
import { decodeStatus, encodeMetricsRequest } from '@wasmpipe/exporters';
import { sampleMetricsBatch } from '../../../exporters/src/testing/sample-batches.ts';
import { type ReceiverHarness, startReceiver, waitFor } from './receiver-harness.ts';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const LIMIT = 4 * 1024 * 1024;

/**
 * A body that inflates to `mebibytes` MiB of zeros from about 1 KiB per MiB: one raw deflate
 * segment of 1 MiB of zeros, flushed to a byte boundary, repeated, then a final empty block, in
 * gzip or zlib framing. The trailer's checksum is not that of the data: a receiver that gets to
 * check it has already inflated far too much.
 */
function bomb(mebibytes: number, framing: 'gzip' | 'deflate'): Uint8Array<ArrayBuffer> {
  const segment = deflateRawSync(new Uint8Array(1024 * 1024), { level: 9, finishFlush: zlib.Z_SYNC_FLUSH });
  const header = framing === 'gzip' ? Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff) : Uint8Array.of(0x78, 0xda);
  const finalBlock = Uint8Array.of(0x03, 0x00);
  const trailer = new Uint8Array(framing === 'gzip' ? 8 : 4);
  const body = new Uint8Array(header.length + segment.length * mebibytes + finalBlock.length + trailer.length);
  body.set(header, 0);
  for (let index = 0; index < mebibytes; index++) body.set(segment, header.length + index * segment.length);
  body.set(finalBlock, header.length + segment.length * mebibytes);
  return body;
}

describe('faults at the otlp receiver', () => {
  let harness: ReceiverHarness;
  before(async () => {
    harness = await startReceiver({
      protocols: { http: { endpoint: '127.0.0.1:0', max_request_body_size: LIMIT } },
      max_concurrent_requests: 2,
    });
  });
  after(() => harness.close());

  const post = (body: BodyInit, headers: Record<string, string> = PROTOBUF, init: RequestInit = {}) =>
    fetch(`${harness.httpUrl}/v1/metrics`, { method: 'POST', body, headers, ...init });

  /** Sends, checks the answer and its google.rpc.Status, that it was counted once, and that good data still gets in. */
  async function expectRefusal(
    send: () => Promise<Response>,
    status: number,
    code: number,
    message: RegExp,
  ): Promise<void> {
    const before = harness.count('wasmpipe.collector.refused_requests', 'metrics');
    const response = await send();
    assert.equal(response.status, status);
    const json = response.headers.get('content-type') === 'application/json';
    const decoded = json
      ? ((await response.json()) as { code: number; message: string })
      : decodeStatus(new Uint8Array(await response.arrayBuffer()));
    assert.equal(decoded?.code, code);
    assert.match(decoded?.message ?? '', message);
    assert.equal(harness.count('wasmpipe.collector.refused_requests', 'metrics'), before + 1, 'counted once');
    const good = await post(encodeMetricsRequest(sampleMetricsBatch()));
    assert.equal(good.status, 200, 'a good request right after is taken');
  }

  test('malformed protobuf: 400 INVALID_ARGUMENT', async () => {
    await expectRefusal(() => post(Uint8Array.of(0x0f, 0xff, 0x00, 0x12)), 400, 3, /^Malformed protobuf: wire type 7/);
  });

  test('truncated protobuf: 400 naming where it ends', async () => {
    const whole = encodeMetricsRequest(sampleMetricsBatch());
    await expectRefusal(
      () => post(whole.subarray(0, whole.length - 5)),
      400,
      3,
      /^Truncated protobuf: .* at byte \d+\.$/,
    );
  });

  test('an upload cut off mid-body: counted, the slot freed, the receiver unharmed', async () => {
    const counted = harness.count('wasmpipe.collector.refused_requests', 'metrics');
    const [host, port] = harness.httpUrl.slice('http://'.length).split(':');
    for (let index = 0; index < 3; index++) {
      const socket = connect(Number(port), host);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        'POST /v1/metrics HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n',
      );
      socket.write(new Uint8Array(5000).fill(0x0a));
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
    }
    await waitFor(
      () => harness.count('wasmpipe.collector.refused_requests', 'metrics') === counted + 3,
      10_000,
      'the cut uploads to be counted',
    );
    // Three cut uploads on a receiver with two slots: the slots came back.
    assert.equal((await post(encodeMetricsRequest(sampleMetricsBatch()))).status, 200);
  });

  test('oversized by Content-Length: 413 before the body is read', async () => {
    const started = performance.now();
    await expectRefusal(
      () => post(new Uint8Array(LIMIT + 1)),
      413,
      8,
      /^The request body is 4194305 bytes than max_request_body_size/,
    );
    assert.ok(performance.now() - started < 10_000);
  });

  test('oversized without a Content-Length (streamed): 413 once the limit is passed', async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 3 * LIMIT) return controller.close();
        sent += 256 * 1024;
        controller.enqueue(new Uint8Array(256 * 1024).fill(0x0a));
      },
    });
    await expectRefusal(
      () => post(body, PROTOBUF, { duplex: 'half' } as RequestInit),
      413,
      8,
      /^The request body is larger than max_request_body_size \(4194304 bytes\)\.$/,
    );
  });

  test('wrong Content-Type: 415', async () => {
    await expectRefusal(
      () => post('{}', { 'content-type': 'text/plain' }),
      415,
      3,
      /^Content-Type text\/plain is not supported/,
    );
    await expectRefusal(() => post(new Uint8Array(1), {}), 415, 3, /^Content-Type .* is not supported/);
  });

  test('unsupported Content-Encoding: 415', async () => {
    await expectRefusal(
      () => post(new Uint8Array(1), { ...PROTOBUF, 'content-encoding': 'zstd' }),
      415,
      3,
      /^Content-Encoding zstd is not supported/,
    );
  });

  test('a gzip bomb (512 MiB from half a MiB): 413, inflating stops at the limit', async () => {
    const gzip = bomb(512, 'gzip');
    assert.ok(gzip.length < LIMIT / 4, `the bomb is ${gzip.length} bytes`);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    let elapsed = 0;
    const send = async () => {
      const response = await post(gzip, { ...PROTOBUF, 'content-encoding': 'gzip' });
      elapsed = performance.now() - started;
      return response;
    };
    await expectRefusal(
      send,
      413,
      8,
      /^The gzip body decompresses to more than max_request_body_size \(4194304 bytes\)\.$/,
    );
    const grown = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    assert.ok(grown < 128, `RSS grew by ${grown.toFixed(0)} MiB for a 512 MiB bomb`);
    assert.ok(elapsed < 10_000, `took ${elapsed.toFixed(0)}ms`);
  });

  test('a deflate bomb: 413 too', async () => {
    await expectRefusal(
      () => post(bomb(256, 'deflate'), { ...PROTOBUF, 'content-encoding': 'deflate' }),
      413,
      8,
      /deflate body decompresses to more/,
    );
  });

  test('corrupt gzip: 400', async () => {
    await expectRefusal(
      () =>
        post(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0xde, 0xad, 0xbe, 0xef), {
          ...PROTOBUF,
          'content-encoding': 'gzip',
        }),
      400,
      3,
      /^The gzip request body could not be decompressed\.$/,
    );
  });

  test('JSON nested deeper than 64 AnyValue levels: 400', async () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let level = 0; level < 200; level++) value = { arrayValue: { values: [value] } };
    const json = JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: 'deep', value }] } }] });
    await expectRefusal(() => post(json, { 'content-type': 'application/json' }), 400, 3, /AnyValue nested too deep/);
  });
});
