// Config reload (SIGHUP) while points flow: first to an invalid config (the old pipelines keep
// running, the error is logged with its location), then to a valid, changed one (the old
// pipelines drain, the new ones start on the same port). Nothing the client was told was taken
// may be lost across either.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after } from 'node:test';
import { freeLoopbackPort } from '../../packages/cli/src/testing/wasmpipe-process.test-support.ts';
import {
  caseDirectory,
  describeMissing,
  eventually,
  faultCase,
  killAll,
  runWasmpipe,
  sumCounter,
  tally,
} from './support/harness.ts';
import { startSink } from './support/sink.ts';
import { Source } from './support/source.ts';

after(killAll);

faultCase('config reload (SIGHUP): invalid, then changed, while points flow', 'config', async (figures) => {
  const directory = await caseDirectory('reload');
  const sink = await startSink();
  try {
    const port = await freeLoopbackPort();
    const yaml = `
collectors:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:${port} }
exporters:
  otlp_http:
    endpoint: ${sink.url}
    retry_on_failure: { initial_interval: 50ms, max_interval: 300ms, max_elapsed_time: 0 }
    sending_queue: { num_consumers: 2 }
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics: { collectors: [otlp], exporters: [otlp_http] }
`;
    sink.answer(() => ({ delayMs: 20 }));
    const wasmpipe = await runWasmpipe(directory.path, yaml);
    const source = new Source({ url: wasmpipe.otlpUrl, batchSize: 50, concurrency: 2 });
    source.start();
    await eventually(() => sink.received.size >= 500, 'points to flow', 30_000);

    // Invalid: a typo in an option and a pipeline naming an exporter that does not exist.
    await writeFile(
      wasmpipe.configPath,
      yaml.replace('retry_on_failure', 'retry_on_failur').replace('exporters: [otlp_http]', 'exporters: [otlp_htp]'),
    );
    wasmpipe.process.child.kill('SIGHUP');
    await wasmpipe.process.waitFor(/the new config is not valid/, 30_000);
    const sentAtInvalid = source.sent.size;
    await eventually(() => source.sent.size >= sentAtInvalid + 500, 'the old pipelines to keep taking points', 30_000);

    // Valid and changed: a larger queue and one more consumer.
    await writeFile(wasmpipe.configPath, yaml.replace('num_consumers: 2', 'num_consumers: 3'));
    wasmpipe.process.child.kill('SIGHUP');
    await wasmpipe.process.waitFor(/the new config is running/, 60_000);
    const sentAtReload = source.sent.size;
    await eventually(() => source.sent.size >= sentAtReload + 500, 'the new pipelines to take points', 30_000);
    await source.stop();
    await eventually(() => [...source.sent].every((key) => sink.received.has(key)), 'every point to arrive', 60_000);

    const components = await wasmpipe.components();
    const result = tally(source.sent, sink.received);
    const log = wasmpipe.log();
    Object.assign(figures, {
      sent: result.sent,
      received: result.received,
      dropped: sumCounter(components['otlp_http'], 'wasmpipe.exporter.send_failed'),
      lost: result.missing.length,
      duplicated: result.duplicated,
      crashes: 0,
      notes: `client answers other than 200 during the swap: ${JSON.stringify(Object.fromEntries(source.refusals))}; counters carried on: collector.accepted ${sumCounter(components['otlp'], 'wasmpipe.collector.accepted')}`,
    });
    assert.match(log, /exporters\.otlp_http\.retry_on_failur/, 'the invalid option is named by its path');
    assert.match(log, /otlp_htp/, 'the unknown exporter is named');
    assert.deepEqual(result.missing, [], `missing ${describeMissing(result.missing)}`);
    assert.equal(result.duplicated, 0);
    assert.equal(sumCounter(components['otlp'], 'wasmpipe.collector.accepted'), result.sent);
    assert.equal(sumCounter(components['otlp_http'], 'wasmpipe.exporter.send_failed'), 0);
    assert.match(await readFile(wasmpipe.configPath, 'utf8'), /num_consumers: 3/);
    assert.equal(await wasmpipe.stop(), 0, log);
  } finally {
    await sink.close();
    await directory.remove();
  }
});
