// The load generator's process (started by load-generator.ts, never imported): sends fresh
// batches in the Collector's testbed shapes over OTLP/HTTP protobuf at a fixed rate, paced on the
// clock, with at most `concurrency` requests in flight, and reports what it sent over IPC.
// `distinctBatches` batches are encoded up front and sent in turn.
// A batch counts as sent when the receiver answered 2xx; anything else counts as failed.
import { Agent, request } from 'node:http';
import { encodeLogsRequest, encodeMetricsRequest } from '@wasmpipe/exporters';
import type { LoadGeneratorOptions, LoadSummary } from './load-generator.ts';
import { logBatches, metricBatches } from './shapes.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as Required<LoadGeneratorOptions>;
const url = new URL(options.signal === 'metrics' ? '/v1/metrics' : '/v1/logs', options.endpoint);
const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
const source =
  options.signal === 'metrics'
    ? metricBatches(options.itemsPerBatch, options.pointsPerMetric)
    : logBatches(options.itemsPerBatch);
const encodeNext = () =>
  options.signal === 'metrics'
    ? encodeMetricsRequest(source.next() as ReturnType<ReturnType<typeof metricBatches>['next']>)
    : encodeLogsRequest(source.next() as ReturnType<ReturnType<typeof logBatches>['next']>);
// Distinct batches are built and encoded before sending starts and sent in turn, so the
// generator's own CPU (it shares the machine with the measured process) is little more than HTTP.
const ring = Array.from({ length: Math.max(1, options.distinctBatches) }, encodeNext);
let ringIndex = 0;
const encode = () => ring[ringIndex++ % ring.length] as Uint8Array;

const summary: LoadSummary = {
  signal: options.signal,
  batchesSent: 0,
  itemsSent: 0,
  batchesFailed: 0,
  itemsFailed: 0,
  statusCounts: {},
  seconds: 0,
  batchesDue: 0,
  lateBatches: 0,
};
let inFlight = 0;
let stopping = false;
const started = performance.now();
const interval = 1000 / options.batchesPerSecond;
let nextDue = started;

function send(): void {
  const payload = encode();
  inFlight++;
  const finish = (status: string) => {
    inFlight--;
    summary.statusCounts[status] = (summary.statusCounts[status] ?? 0) + 1;
    if (status.startsWith('2')) {
      summary.batchesSent++;
      summary.itemsSent += source.pointsPerBatch;
    } else {
      summary.batchesFailed++;
      summary.itemsFailed += source.pointsPerBatch;
    }
  };
  const outgoing = request(
    {
      agent,
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-length': payload.length },
    },
    (response) => {
      response.resume();
      response.on('end', () => finish(String(response.statusCode)));
      response.on('error', () => finish('response error'));
    },
  );
  outgoing.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'error'));
  outgoing.end(payload);
}

async function loop(): Promise<void> {
  const deadline = options.seconds > 0 ? started + options.seconds * 1000 : Number.POSITIVE_INFINITY;
  while (!stopping) {
    const now = performance.now();
    if (now >= deadline) break;
    // Batches fall due on the clock; when every slot is in flight they wait, and one sent more than
    // an interval after it fell due is late (the receiver is slower than the rate).
    while (nextDue <= now && !stopping && inFlight < options.concurrency) {
      if (now - nextDue > interval) summary.lateBatches++;
      nextDue += interval;
      summary.batchesDue++;
      send();
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(interval, nextDue - performance.now()))));
  }
  stopping = true;
  summary.seconds = (performance.now() - started) / 1000;
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  agent.destroy();
  process.send?.({ type: 'summary', summary });
  process.disconnect?.();
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') stopping = true;
  if (message.type === 'stats') process.send?.({ type: 'stats', summary: { ...summary, inFlight } });
});
process.send?.({ type: 'ready' });
void loop();
