import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  countDataPoints,
  createLogger,
  createPipeline,
  defineExporter,
  type MetricsBatch,
  permanentError,
  retryableError,
  s,
  use,
} from '@wasmpipe/core';
import { decodeStatus, encodeMetricsRequest, otlpServiceDefinition } from '@wasmpipe/exporters';
import { sampleMetricsBatch } from '../../../exporters/src/testing/sample-batches.ts';
import { otlpReceiver } from './factory.ts';
import { startReceiver, waitFor } from './receiver-harness.ts';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };

/** A gate the consumer waits on until the test opens it. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open };
}

function postMetrics(url: string, batch: MetricsBatch = sampleMetricsBatch()): Promise<Response> {
  return fetch(`${url}/v1/metrics`, { method: 'POST', body: encodeMetricsRequest(batch), headers: PROTOBUF });
}

describe('otlp receiver backpressure', () => {
  test('a slow pipeline gets 429 with Retry-After and a RetryInfo status, instead of queueing', async () => {
    const blocked = gate();
    let inConsumer = 0;
    let mostInConsumer = 0;
    const harness = await startReceiver(
      { max_concurrent_requests: 2, max_wait: '100ms', retry_after: '3s' },
      async () => {
        inConsumer++;
        mostInConsumer = Math.max(mostInConsumer, inConsumer);
        await blocked.wait();
        inConsumer--;
      },
    );
    try {
      const first = [postMetrics(harness.httpUrl), postMetrics(harness.httpUrl)];
      await waitFor(() => inConsumer === 2, 10_000, 'two requests in the pipeline');
      const refused = await Promise.all(Array.from({ length: 6 }, () => postMetrics(harness.httpUrl)));
      for (const response of refused) {
        assert.equal(response.status, 429);
        assert.equal(response.headers.get('retry-after'), '3');
        assert.deepEqual(decodeStatus(new Uint8Array(await response.arrayBuffer())), {
          code: 8,
          message: 'The pipeline is not keeping up; retry later.',
          retryDelayMs: 3000,
        });
      }
      blocked.open();
      for (const response of await Promise.all(first)) assert.equal(response.status, 200);
      assert.equal((await postMetrics(harness.httpUrl)).status, 200);
      assert.equal(mostInConsumer, 2);
      assert.equal(harness.metrics.length, 3);
      assert.equal(harness.count('wasmpipe.collector.refused_requests', 'metrics'), 6);
    } finally {
      blocked.open();
      await harness.close();
    }
  });

  test('over gRPC the same is RESOURCE_EXHAUSTED with RetryInfo', async () => {
    const blocked = gate();
    let inConsumer = 0;
    const harness = await startReceiver(
      { max_concurrent_requests: 1, max_wait: '50ms', retry_after: '2s' },
      async () => {
        inConsumer++;
        await blocked.wait();
      },
    );
    const Client = grpc.makeGenericClientConstructor(otlpServiceDefinition('metrics'), 'metrics');
    const client = new Client(harness.grpcAddress, grpc.credentials.createInsecure());
    const call = (): Promise<grpc.ServiceError | null> =>
      new Promise((resolve) =>
        (client as unknown as { Export: (...args: unknown[]) => void }).Export(
          encodeMetricsRequest(sampleMetricsBatch()),
          new grpc.Metadata(),
          { deadline: Date.now() + 20_000 },
          (error: grpc.ServiceError | null) => resolve(error),
        ),
      );
    try {
      const first = call();
      await waitFor(() => inConsumer === 1, 10_000, 'one request in the pipeline');
      const error = await call();
      assert.equal(error?.code, grpc.status.RESOURCE_EXHAUSTED);
      const details = error?.metadata.get('grpc-status-details-bin')[0] as Uint8Array;
      assert.deepEqual(decodeStatus(details), {
        code: 8,
        message: 'The pipeline is not keeping up; retry later.',
        retryDelayMs: 2000,
      });
      blocked.open();
      assert.equal(await first, null);
    } finally {
      blocked.open();
      client.close();
      await harness.close();
    }
  });

  test('a pipeline refusal is 429 when retrying may help and 400 when it will not', async () => {
    let failure: Error = retryableError('The queue is closed.');
    const harness = await startReceiver({ retry_after: '7s' }, () => {
      throw failure;
    });
    try {
      const retryable = await postMetrics(harness.httpUrl);
      assert.equal(retryable.status, 429);
      assert.equal(retryable.headers.get('retry-after'), '7');
      assert.equal(
        decodeStatus(new Uint8Array(await retryable.arrayBuffer()))?.message,
        'The pipeline refused the data: The queue is closed.',
      );
      failure = permanentError('A plugin refuses this data.');
      const permanent = await postMetrics(harness.httpUrl);
      assert.equal(permanent.status, 400);
      assert.equal(permanent.headers.get('retry-after'), null);
    } finally {
      await harness.close();
    }
  });

  test('shutdown answers 503 to new requests and lets the one under way finish', async () => {
    const blocked = gate();
    let inConsumer = 0;
    const harness = await startReceiver({ protocols: { http: { endpoint: '127.0.0.1:0' } } }, async () => {
      inConsumer++;
      await blocked.wait();
    });
    const underWay = postMetrics(harness.httpUrl);
    await waitFor(() => inConsumer === 1, 10_000, 'the request in the pipeline');
    const stopped = harness.close();
    const late = await postMetrics(harness.httpUrl);
    assert.equal(late.status, 503);
    assert.equal(late.headers.get('retry-after'), '5');
    blocked.open();
    assert.equal((await underWay).status, 200);
    await stopped;
    assert.equal(harness.metrics.length, 1);
  });

  test('through the runtime: a full exporter queue turns into 429s, nothing is lost that was accepted', async () => {
    const released = gate();
    const exported: MetricsBatch[] = [];
    const slowExporter = defineExporter({
      type: 'slow',
      description: 'Waits for the test before it takes each batch.',
      signals: ['metrics'],
      config: s.object({}),
      create: () => ({
        async exportMetrics(batch: MetricsBatch) {
          await released.wait();
          exported.push(batch);
        },
      }),
    });
    const lines: string[] = [];
    const service = await createPipeline({
      collectors: [
        use(otlpReceiver, {
          protocols: { http: { endpoint: '127.0.0.1:0' } },
          max_concurrent_requests: 4,
          // Long enough that a request waiting for a slot gets the one a queued request frees, even
          // when this busy process is slow to answer that one: only once four requests hold every
          // slot is the rest refused. With 50 ms, waiters were refused early and fewer held slots.
          max_wait: '1s',
        }),
      ],
      exporters: [
        use(slowExporter, { sending_queue: { sizer: 'requests', queue_size: 2, num_consumers: 1 } } as never),
      ],
      logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
    });
    await service.start();
    try {
      const url = /endpoint=(http:\/\/\S+)/.exec(
        lines.find((line) => line.includes('OTLP/HTTP is listening')) ?? '',
      )?.[1];
      assert.ok(url, `no listening line in ${lines.join('\n')}`);
      // The queue takes a few batches; then four requests hold every slot, waiting for room, and
      // every other one is refused with 429: twelve sent, eight answered while the exporter is stuck.
      const statuses: number[] = [];
      const requests = Array.from({ length: 12 }, () =>
        postMetrics(url).then((response) => {
          statuses.push(response.status);
          return response.status;
        }),
      );
      await waitFor(() => statuses.length === 8, 20_000, 'every request but the four holding the slots to be answered');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(statuses.length, 8, 'the four holding the slots are still waiting');
      const queued = statuses.filter((status) => status === 200).length;
      const refused = statuses.filter((status) => status === 429).length;
      assert.ok(queued >= 1 && queued + refused === 8, `statuses ${statuses.join(',')}`);
      released.open();
      const final = await Promise.all(requests);
      await service.shutdown();
      const accepted = final.filter((status) => status === 200).length;
      assert.deepEqual([accepted, final.length - accepted], [queued + 4, refused]);
      assert.equal(exported.length, accepted);
      const points = countDataPoints(sampleMetricsBatch());
      assert.equal(service.telemetry.value('otlp', 'wasmpipe.collector.accepted', 'metrics'), accepted * points);
      assert.equal(service.telemetry.value('otlp', 'wasmpipe.collector.refused_requests', 'metrics'), refused);
    } finally {
      released.open();
      await service.shutdown();
    }
  });
});
