import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startAdminServer } from '../admin/admin-server.ts';
import { ConfigError } from '../config/config-error.ts';
import { getPlatform } from '../platform/index.ts';
import { silentLogger } from '../telemetry/logger.ts';
import {
  makeBatch,
  manualCollector,
  manualOutputs,
  recorded,
  recordingExporter,
  renameProcessor,
} from '../testing/components.test-support.ts';
import { createPipeline, use } from './create-pipeline.ts';

describe('createPipeline', () => {
  it('runs a pipeline composed in code, through the same validation as YAML', async () => {
    const service = await createPipeline({
      collectors: [use(manualCollector, {}, 'code')],
      processors: [use(renameProcessor, { suffix: '!' })],
      exporters: [use(recordingExporter, { delay: '1ms' })],
      logger: silentLogger,
    });
    await service.start();
    await manualOutputs.get('manual/code')?.consumeMetrics?.(makeBatch(['m']));
    await service.shutdown();
    assert.equal(recorded.get('recording')?.[0]?.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.name, 'm!');
  });

  it('rejects bad options with every problem and its path', async () => {
    await assert.rejects(
      createPipeline({
        collectors: [use(manualCollector, {})],
        // A value of the right type but out of range only shows at run time.
        exporters: [use(recordingExporter, { delay: 'later' })],
        logger: silentLogger,
      }),
      (error: unknown) => {
        assert.ok(ConfigError.isInstance(error));
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          { path: 'exporters.recording.delay', message: 'expected a duration such as "10s" or "250ms", got "later"' },
        ]);
        return true;
      },
    );
  });

  it('is typed: a wrong option is a compile error', () => {
    // @ts-expect-error `suffix` must be a string.
    use(renameProcessor, { suffix: 3 });
    // @ts-expect-error `colour` is not an option of the recording exporter.
    use(recordingExporter, { colour: 'red' });
  });
});

describe('admin endpoint', () => {
  it('serves health, readiness and per-component counters', async () => {
    const service = await createPipeline({
      collectors: [use(manualCollector, {})],
      exporters: [use(recordingExporter, {})],
      logger: silentLogger,
    });
    const server = await startAdminServer(service, { hostname: '127.0.0.1', port: 0, platform: getPlatform() });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      await service.start();
      await manualOutputs.get('manual')?.consumeMetrics?.(makeBatch(['a', 'b']));
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      await ready.body?.cancel();
      const health = await (await fetch(`${base}/healthz`)).json();
      assert.equal(health.status, 'ok');
      const components = await (await fetch(`${base}/components`)).json();
      assert.equal(components.components.manual['wasmpipe.collector.accepted{signal=metrics}'], 2);
      assert.equal(typeof components.components.recording['wasmpipe.exporter.queue.capacity'], 'number');
      const missing = await fetch(`${base}/nope`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    } finally {
      await service.shutdown();
      await server.close();
    }
  });
});
