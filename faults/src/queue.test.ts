// The persistent sending queue (`storage: file`) under faults: kill -9 mid-flow and restart, a
// queue that reaches its size limit (backpressure, or counted drops), and a queue file damaged
// while wasmpipe was down. Plus SIGTERM under load with the in-memory queue.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after } from 'node:test';
import {
  caseDirectory,
  describeMissing,
  eventually,
  faultCase,
  killAll,
  runWasmpipe,
  sleep,
  sumCounter,
  tally,
} from './support/harness.ts';
import { startSink } from './support/sink.ts';
import { Source } from './support/source.ts';

after(killAll);

function config(sinkUrl: string, queue: string, otlpExtra = ''): string {
  return `
collectors:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:0 }
${otlpExtra}
exporters:
  otlp_http:
    endpoint: ${sinkUrl}
    timeout: 5s
    retry_on_failure: { initial_interval: 50ms, max_interval: 300ms, max_elapsed_time: 0 }
    sending_queue: ${queue}
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics: { collectors: [otlp], exporters: [otlp_http] }
`;
}

/** Bytes in every file under a directory. */
async function directorySize(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

faultCase('kill -9 mid-flow with storage: file, then restart', 'queue', async (figures) => {
  const directory = await caseDirectory('kill');
  const sink = await startSink();
  try {
    sink.answer(() => ({ delayMs: 40 }));
    const yaml = config(sink.url, '{ storage: file, directory: queue, num_consumers: 2 }');
    const first = await runWasmpipe(directory.path, yaml);
    const source = new Source({ url: first.otlpUrl, batchSize: 50, concurrency: 3 });
    source.start();
    // A backlog on disk and requests under way both ways when the kill comes.
    await eventually(
      () => sink.received.size >= 300 && source.sent.size >= sink.received.size + 500,
      'a backlog',
      60_000,
    );
    first.process.child.kill('SIGKILL');
    assert.equal(await first.process.exited(), 'SIGKILL');
    const sentBeforeKill = source.sent.size;
    const receivedBeforeKill = sink.received.size;

    const second = await runWasmpipe(directory.path);
    source.url = second.otlpUrl ?? '';
    await eventually(() => source.sent.size >= sentBeforeKill + 500, 'more points after the restart', 60_000);
    await source.stop();
    await eventually(
      () => [...source.sent].every((key) => sink.received.has(key)),
      'every point answered 200 to arrive',
      90_000,
    );
    const redelivered = await second.counter('otlp_http', 'wasmpipe.exporter.redelivered');
    const result = tally(source.sent, sink.received);
    // A retried request whose first attempt got no answer may legitimately arrive twice too.
    const allowed = redelivered + source.ambiguous.size;
    Object.assign(figures, {
      sent: result.sent,
      received: result.received,
      dropped: 0,
      lost: result.missing.length,
      duplicated: result.duplicated,
      crashes: 0,
      notes: `killed with ${sentBeforeKill - receivedBeforeKill} points accepted but not yet delivered; duplicates counted by wasmpipe (redelivered) ${redelivered}, resent by the client after a cut ${source.ambiguous.size}`,
    });
    assert.deepEqual(result.missing, [], `missing ${describeMissing(result.missing)}`);
    assert.match(second.log(), /kept batches from the previous run/);
    assert.ok(result.duplicated <= allowed, `${result.duplicated} duplicates; at most ${allowed} accounted for`);
    assert.deepEqual(result.unexpected, []);
    assert.equal(await second.stop(), 0, second.log());
  } finally {
    await sink.close();
    await directory.remove();
  }
});

for (const onFull of ['block', 'drop_newest'] as const) {
  faultCase(`file queue reaches its size limit (64 KiB, on_full: ${onFull})`, 'queue', async (figures) => {
    const directory = await caseDirectory('full');
    const sink = await startSink();
    try {
      await sink.down();
      const limit = 64 * 1024;
      const yaml = config(
        sink.url,
        `{ storage: file, directory: queue, sizer: bytes, queue_size: ${limit}, on_full: ${onFull}, num_consumers: 1 }`,
        '    max_wait: 200ms\n    retry_after: 1s',
      );
      const wasmpipe = await runWasmpipe(directory.path, yaml);
      const source = new Source({ url: wasmpipe.otlpUrl, batchSize: 50, concurrency: 2 });
      source.start(4000);
      let largest = 0;
      const queueDirectory = join(directory.path, 'queue', 'otlp_http');
      const watch = async () => {
        largest = Math.max(largest, await directorySize(queueDirectory));
      };
      // The endpoint stays down until the queue was full for a while.
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline) {
        await watch();
        await sleep(100);
      }
      const components = (await wasmpipe.components())['otlp_http'] ?? {};
      const queued = sumCounter(components, 'wasmpipe.exporter.queue.size');
      const sentWhileDown = source.sent.size;
      await sink.up();
      await source.stop();
      await eventually(
        async () => {
          const exporter = (await wasmpipe.components())['otlp_http'] ?? {};
          return (
            sumCounter(exporter, 'wasmpipe.exporter.sent') + sumCounter(exporter, 'wasmpipe.exporter.enqueue_failed') >=
            source.sent.size
          );
        },
        'every point sent or counted as refused',
        90_000,
      );
      await watch();
      const exporter = (await wasmpipe.components())['otlp_http'] ?? {};
      const refused = sumCounter(exporter, 'wasmpipe.exporter.enqueue_failed');
      const result = tally(source.sent, sink.received);
      Object.assign(figures, {
        sent: result.sent,
        received: result.received,
        dropped: refused,
        lost: Math.max(0, result.missing.length - refused),
        duplicated: result.duplicated,
        crashes: 0,
        notes: `${sentWhileDown} points taken while the endpoint was down; queue on disk at most ${largest} bytes (limit ${limit} of stored batches) with ${queued} bytes queued while the endpoint was down; client answers other than 200: ${JSON.stringify(Object.fromEntries(source.refusals))}`,
      });
      assert.ok(largest < 4 * limit, `the queue directory stayed near its limit: ${largest} bytes`);
      if (onFull === 'block') {
        assert.equal(refused, 0);
        // Backpressure: the client's requests were held (not refused) once the queue was full.
        assert.ok(sentWhileDown < 4000, `the client was held back: ${sentWhileDown} points taken while down`);
        assert.deepEqual(result.missing, [], `missing ${describeMissing(result.missing)}`);
      } else {
        assert.ok(refused > 0, 'a full queue refused batches');
        assert.equal(result.missing.length, refused, 'every point not received was counted in enqueue_failed');
      }
      assert.equal(result.duplicated, 0);
      assert.equal(await wasmpipe.stop(), 0, wasmpipe.log());
    } finally {
      await sink.close();
      await directory.remove();
    }
  });
}

faultCase('queue segment damaged while wasmpipe was stopped', 'queue', async (figures) => {
  const directory = await caseDirectory('corrupt');
  const sink = await startSink();
  try {
    await sink.down();
    const yaml = config(sink.url, '{ storage: file, directory: queue, num_consumers: 1, drain_timeout: 1s }');
    const first = await runWasmpipe(directory.path, yaml);
    const source = new Source({ url: first.otlpUrl, batchSize: 50, concurrency: 1 });
    await source.send(1000);
    assert.equal(await first.stop(), 0, first.log());

    // Overwrite 32 bytes in the middle of the (only) segment: one record's frame or body.
    const queueDirectory = join(directory.path, 'queue', 'otlp_http');
    const segments = (await readdir(queueDirectory)).filter((name) => name.startsWith('segment-')).sort();
    assert.ok(segments.length > 0, 'the queue kept the batches on disk');
    const damaged = join(queueDirectory, segments[0] as string);
    const bytes = await readFile(damaged);
    bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 32);
    await writeFile(damaged, bytes);

    await sink.up();
    const second = await runWasmpipe(directory.path);
    await eventually(
      async () => (await second.counter('otlp_http', 'wasmpipe.exporter.sent')) + 100 >= source.sent.size,
      'the rest to be delivered',
      60_000,
    );
    await sleep(500);
    const result = tally(source.sent, sink.received);
    Object.assign(figures, {
      sent: result.sent,
      received: result.received,
      dropped: result.missing.length,
      lost: 0,
      duplicated: result.duplicated,
      crashes: 0,
      notes: `the test overwrote 32 bytes of ${segments[0]}; the ${result.missing.length} points of the damaged record are reported in the log (file, offset, size), the rest delivered`,
    });
    assert.match(second.log(), new RegExp(`${segments[0]}`), 'the damaged file is named in the log');
    assert.ok(result.missing.length > 0 && result.missing.length <= 100, `lost ${result.missing.length} points`);
    assert.equal(result.duplicated, 0);
    assert.equal(await second.stop(), 0, second.log());
  } finally {
    await sink.close();
    await directory.remove();
  }
});

faultCase(
  'SIGTERM under load (memory queue): everything accepted is delivered before exit',
  'shutdown',
  async (figures) => {
    const directory = await caseDirectory('sigterm');
    const sink = await startSink();
    try {
      sink.answer(() => ({ delayMs: 20 }));
      const wasmpipe = await runWasmpipe(
        directory.path,
        config(sink.url, '{ num_consumers: 2, drain_timeout: 60s }').replace(
          'pipelines:',
          'pipelines:\n  # batches grow while the sink is slow\n',
        ),
      );
      const source = new Source({ url: wasmpipe.otlpUrl, batchSize: 50, concurrency: 4 });
      source.start();
      await eventually(() => source.sent.size >= sink.received.size + 1000, 'a backlog in the queue', 60_000);
      const backlog = source.sent.size - sink.received.size;
      wasmpipe.process.child.kill('SIGTERM');
      const code = await wasmpipe.process.exited();
      await source.halt();
      const result = tally(source.sent, sink.received);
      Object.assign(figures, {
        sent: result.sent,
        received: result.received,
        dropped: 0,
        lost: result.missing.length,
        duplicated: result.duplicated,
        crashes: 0,
        notes: `SIGTERM with about ${backlog} points queued; client answers other than 200 during shutdown: ${JSON.stringify(Object.fromEntries(source.refusals))}`,
      });
      assert.equal(code, 0, wasmpipe.log());
      assert.deepEqual(result.missing, [], `missing ${describeMissing(result.missing)}`);
      assert.equal(result.duplicated, 0);
      assert.match(wasmpipe.log(), /every queue was drained/);
    } finally {
      await sink.close();
      await directory.remove();
    }
  },
);
