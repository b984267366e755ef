import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPipeline, use } from '../library/create-pipeline.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import { Taps } from '../pipeline/taps.ts';
import { getPlatform } from '../platform/index.ts';
import { silentLogger } from '../telemetry/logger.ts';
import {
  makeBatch,
  manualCollector,
  manualOutputs,
  recordingExporter,
  renameProcessor,
} from '../testing/components.test-support.ts';
import { startAdminServer } from './admin-server.ts';

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads newline-delimited lines from a streaming response body, skipping blank heartbeat lines. */
function lineReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  return {
    async next(): Promise<string> {
      for (;;) {
        const newline = buffered.indexOf('\n');
        if (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== '') return line;
          continue;
        }
        const { done, value } = await reader.read();
        if (done) throw new Error('The stream ended.');
        buffered += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('taps', () => {
  it('pass batches through untouched and unobserved while nobody listens', async () => {
    const taps = new Taps();
    const seen: MetricsBatch[] = [];
    const wrapped = taps.wrap('p', 'metrics', { consumeMetrics: async (batch) => void seen.push(batch) });
    const batch = makeBatch(['a']);
    await wrapped.consumeMetrics?.(batch);
    assert.equal(seen[0], batch);
    assert.deepEqual(taps.ids(), ['p']);
    let calls = 0;
    const stop = taps.listen('p', () => {
      calls += 1;
      throw new Error('a broken listener');
    });
    await wrapped.consumeMetrics?.(batch);
    await wrapped.consumeMetrics?.(batch);
    assert.equal(calls, 1, 'a listener that throws is removed');
    assert.equal(seen.length, 3, 'and the pipeline goes on');
    stop();
    assert.throws(() => taps.listen('q', () => {}), /No component "q" can be tapped; known: p/);
  });

  it('GET /tap/<id> streams what leaves a processor, as it was when it left', async () => {
    const service = await createPipeline({
      collectors: [use(manualCollector, {}, 'tap')],
      processors: [use(renameProcessor, { suffix: '!' }, 'first'), use(renameProcessor, { suffix: '?' }, 'second')],
      exporters: [use(recordingExporter, {}, 'tap')],
      logger: silentLogger,
    });
    const server = await startAdminServer(service, { hostname: '127.0.0.1', port: 0, platform: getPlatform() });
    try {
      await service.start();
      const base = `http://127.0.0.1:${server.port}`;
      const missing = await fetch(`${base}/tap/nope`);
      assert.equal(missing.status, 404);
      const known = (await missing.json()).components as string[];
      assert.deepEqual([...known].sort(), ['manual/tap', 'recording/tap', 'rename/first', 'rename/second']);

      const response = await fetch(`${base}/tap/rename/first`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
      await eventually(() => service.taps.listenerCount('rename/first') === 1, 'the tap to listen');
      const lines = lineReader(response.body as ReadableStream<Uint8Array>);
      await manualOutputs.get('manual/tap')?.consumeMetrics?.(makeBatch(['cpu', 'memory']));
      const line = JSON.parse(await lines.next());
      assert.equal(line.signal, 'metrics');
      // The second processor renames the same objects afterwards; the tap saw them before it did.
      const names = line.resourceMetrics[0].scopeMetrics[0].metrics.map((metric: { name: string }) => metric.name);
      assert.deepEqual(names, ['cpu!', 'memory!']);
      assert.equal(
        line.resourceMetrics[0].scopeMetrics[0].metrics[0].data.dataPoints[0].timeUnixNano,
        '1700000000000000000',
      );
      await lines.cancel();
      await eventually(() => service.taps.listenerCount('rename/first') === 0, 'the tap to stop when the client left');
    } finally {
      await service.shutdown();
      await server.close();
    }
  });

  it('closing the admin endpoint ends every tap stream cleanly, after the last batches', async () => {
    const service = await createPipeline({
      collectors: [use(manualCollector, {}, 'closing')],
      exporters: [use(recordingExporter, {}, 'closing')],
      logger: silentLogger,
    });
    const server = await startAdminServer(service, { hostname: '127.0.0.1', port: 0, platform: getPlatform() });
    await service.start();
    const response = await fetch(`http://127.0.0.1:${server.port}/tap/recording/closing`);
    await eventually(() => service.taps.listenerCount('recording/closing') === 1, 'the tap to listen');
    await manualOutputs.get('manual/closing')?.consumeMetrics?.(makeBatch(['last']));
    await service.shutdown();
    await server.close();
    const text = await response.text();
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0] as string).resourceMetrics[0].scopeMetrics[0].metrics[0].name, 'last');
  });
});
