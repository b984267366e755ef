// Export endpoint faults: wasmpipe receives numbered points over OTLP/HTTP (its `otlp` collector)
// and exports them over OTLP/HTTP to a sink that is down, slow, flapping, answering 429/503/500,
// hanging, or cutting connections mid-request. Every point answered 200 to the client must reach
// the sink exactly once, or be counted by wasmpipe as given up (a permanent 500).
import assert from 'node:assert/strict';
import { after } from 'node:test';
import {
  caseDirectory,
  describeMissing,
  eventually,
  type Figures,
  faultCase,
  killAll,
  runWasmpipe,
  sleep,
  tally,
} from './support/harness.ts';
import { type Sink, type SinkAnswer, startSink } from './support/sink.ts';
import { Source } from './support/source.ts';

after(killAll);

const POINTS = 2000;

function config(sinkUrl: string, exporterExtra = ''): string {
  return `
collectors:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http:
    endpoint: ${sinkUrl}
    timeout: 2s
    retry_on_failure: { initial_interval: 50ms, max_interval: 500ms, max_elapsed_time: 0 }
    sending_queue: { num_consumers: 2 }
${exporterExtra}
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics: { collectors: [otlp], exporters: [otlp_http] }
`;
}

interface ExporterFault {
  /** How the sink answers while the fault lasts (attempt counts requests from 1). */
  answer?: (attempt: number) => SinkAnswer;
  /** Runs while the points are sent (e.g. take the sink down and up). */
  during?: (sink: Sink, stopped: () => boolean) => Promise<void>;
  /** Set up before wasmpipe starts (e.g. the sink is down from the start). */
  before?: (sink: Sink) => Promise<void>;
  /** Points the sink must have been asked for before it heals. */
  healAfterRequests?: number;
  /** Points expected to be given up and counted in send_failed (a permanent error). */
  expectGivenUp?: boolean;
}

async function runExporterCase(figures: Figures, fault: ExporterFault): Promise<void> {
  const directory = await caseDirectory('exporter');
  const sink = await startSink();
  try {
    if (fault.answer) sink.answer(fault.answer);
    await fault.before?.(sink);
    const wasmpipe = await runWasmpipe(directory.path, config(sink.url));
    const source = new Source({ url: wasmpipe.otlpUrl, batchSize: 50, concurrency: 2 });
    let sending = true;
    const during = fault.during?.(sink, () => !sending);
    await source.send(POINTS);
    sending = false;
    await during;
    if (fault.healAfterRequests) {
      await eventually(() => sink.requests >= (fault.healAfterRequests ?? 0), 'the faulty answers to be given', 60_000);
      sink.answer(() => 'accept');
    }
    await sink.up();

    // Everything sent is delivered, or (a permanent error) counted as given up.
    const settled = async () => {
      const components = await wasmpipe.components();
      const exporter = components['otlp_http'] ?? {};
      const sent = sumOf(exporter, 'wasmpipe.exporter.sent');
      const failed = sumOf(exporter, 'wasmpipe.exporter.send_failed');
      return sent + failed >= source.sent.size;
    };
    await eventually(settled, 'every point to be sent or given up', 90_000);
    const exporter = (await wasmpipe.components())['otlp_http'] ?? {};
    const counted = {
      accepted: sumOf((await wasmpipe.components())['otlp'] ?? {}, 'wasmpipe.collector.accepted'),
      sent: sumOf(exporter, 'wasmpipe.exporter.sent'),
      failed: sumOf(exporter, 'wasmpipe.exporter.send_failed'),
      enqueueFailed: sumOf(exporter, 'wasmpipe.exporter.enqueue_failed'),
    };
    const result = tally(source.sent, sink.received);
    Object.assign(figures, {
      sent: result.sent,
      received: result.received,
      dropped: counted.failed + counted.enqueueFailed,
      lost: Math.max(0, result.missing.length - counted.failed - counted.enqueueFailed),
      duplicated: result.duplicated,
      crashes: 0,
      notes: `${sink.requests} requests to the sink; wasmpipe counted accepted ${counted.accepted}, sent ${counted.sent}, send_failed ${counted.failed}`,
    });
    assert.equal(counted.accepted, result.sent, 'the collector counted every point the client was told was taken');
    assert.equal(counted.sent, result.received + result.duplicated, 'exporter.sent matches what the sink took');
    assert.equal(counted.enqueueFailed, 0);
    if (fault.expectGivenUp) {
      assert.ok(counted.failed > 0, 'the permanent error gave up some batches');
      assert.equal(result.missing.length, counted.failed, 'every point not received is counted in send_failed');
      assert.match(wasmpipe.log(), /"level":"error"/, 'giving up is logged');
    } else {
      assert.deepEqual(result.missing, [], `every point arrived; missing ${describeMissing(result.missing)}`);
      assert.equal(counted.failed, 0);
    }
    assert.equal(result.duplicated, 0, 'no point arrived twice');
    assert.deepEqual(result.unexpected, []);
    assert.equal(await wasmpipe.stop(), 0, wasmpipe.log());
  } finally {
    await sink.close();
    await directory.remove();
  }
}

function sumOf(entries: Record<string, number>, name: string): number {
  let total = 0;
  for (const [key, value] of Object.entries(entries)) if (key === name || key.startsWith(`${name}{`)) total += value;
  return total;
}

faultCase('export endpoint down, then back', 'exporter', (figures) =>
  runExporterCase(figures, {
    before: (sink) => sink.down(),
    during: async () => {
      await sleep(1500);
    },
  }),
);

faultCase('export endpoint slow (each answer 150 ms late)', 'exporter', (figures) =>
  runExporterCase(figures, { answer: () => ({ delayMs: 150 }) }),
);

faultCase('export endpoint hangs (no answer; 2 s request timeout)', 'exporter', (figures) =>
  runExporterCase(figures, { answer: (attempt) => (attempt <= 4 ? 'hang' : 'accept'), healAfterRequests: 4 }),
);

faultCase('export endpoint flapping (down and up every 300 ms)', 'exporter', (figures) =>
  runExporterCase(figures, {
    answer: () => ({ delayMs: 20 }),
    during: async (sink, stopped) => {
      for (let round = 0; round < 6 || !stopped(); round++) {
        await sink.down();
        await sleep(300);
        await sink.up();
        await sleep(300);
        if (round > 40) break;
      }
    },
  }),
);

faultCase('export endpoint answers 429 with Retry-After', 'exporter', (figures) =>
  runExporterCase(figures, {
    answer: (attempt) =>
      attempt % 2 === 1 && attempt < 16 ? { status: 429, headers: { 'retry-after': '1' } } : 'accept',
  }),
);

faultCase('export endpoint answers 503 (a storm, then recovery)', 'exporter', (figures) =>
  runExporterCase(figures, {
    answer: (attempt) => (attempt <= 25 ? { status: 503 } : 'accept'),
    healAfterRequests: 25,
  }),
);

faultCase('export endpoint answers 500 (permanent: given up and counted)', 'exporter', (figures) =>
  runExporterCase(figures, {
    answer: (attempt) => (attempt <= 5 ? { status: 500 } : 'accept'),
    healAfterRequests: 5,
    expectGivenUp: true,
  }),
);

faultCase('export endpoint closes connections mid-request', 'exporter', (figures) =>
  runExporterCase(figures, { answer: (attempt) => (attempt % 3 === 0 ? 'cut' : 'accept') }),
);
