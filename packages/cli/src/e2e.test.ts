// End to end: the built `wasmpipe` binary, a real /proc, the filter plugin compiled from source,
// and an OTLP/HTTP receiver that decodes with the official schema.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  allMetrics,
  type DecodedPoint,
  type OtlpReceiver,
  startOtlpReceiver,
} from './testing/otlp-receiver.test-support.ts';
import { eventually, FILTER_WASM, startWasmpipe } from './testing/wasmpipe-process.test-support.ts';

let directory: string;
let receiver: OtlpReceiver;

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-e2e-'));
  receiver = await startOtlpReceiver();
});
after(async () => {
  await receiver.close();
  await rm(directory, { recursive: true, force: true });
});

const pointValue = (point: DecodedPoint) => point.asDouble ?? Number(point.asInt);

describe('wasmpipe run: host_metrics -> wasm filter -> otlp_http', () => {
  it('delivers filtered host metrics decoded by the official schema, and drains on SIGTERM', async () => {
    const config = join(directory, 'pipeline.yaml');
    await writeFile(
      config,
      `
collectors:
  host_metrics:
    collection_interval: 200ms
    initial_delay: 0s
    scrapers:
      cpu:
        metrics:
          system.cpu.utilization: { enabled: true }
      memory:
        metrics:
          system.memory.utilization: { enabled: true }
          system.linux.memory.available: { enabled: true }
processors:
  wasm/filter:
    path: ${FILTER_WASM}
    config:
      exclude: ["system.cpu.utilization", "system.linux.*"]
  # Holds everything until shutdown, so what arrives after SIGTERM proves the drain.
  batch: { send_batch_size: 1000000, timeout: 1h }
exporters:
  otlp_http:
    endpoint: ${receiver.url}
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics:
    collectors: [host_metrics]
    processors: [wasm/filter, batch]
    exporters: [otlp_http]
`,
    );
    const wasmpipe = startWasmpipe(['run', '--config', config, '--log-format', 'json']);
    await wasmpipe.waitFor(/Everything is ready/);
    const admin = await wasmpipe.adminUrl();
    assert.equal((await fetch(`${admin}/readyz`)).status, 200);
    const acceptedBefore = async () => {
      const body = await (await fetch(`${admin}/components`)).json();
      return Number(body.components.host_metrics?.['wasmpipe.collector.accepted{signal=metrics}'] ?? 0);
    };
    await eventually(async () => (await acceptedBefore()) > 0, 'host_metrics to produce points');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const plugin = (await (await fetch(`${admin}/components`)).json()).components['wasm/filter'];
    assert.equal(receiver.requests.length, 0, 'nothing is sent before shutdown: the batch processor holds it');

    wasmpipe.child.kill('SIGTERM');
    assert.equal(await wasmpipe.exited(), 0, wasmpipe.stderr());
    assert.match(wasmpipe.stderr(), /every queue was drained/);

    assert.ok(receiver.requests.length >= 1, 'the drained batch reached the receiver');
    const request = receiver.requests[0];
    assert.equal(request?.path, '/v1/metrics');
    assert.equal(request?.headers['content-type'], 'application/x-protobuf');

    const metrics = allMetrics(receiver.requests);
    const names = new Set(metrics.map((metric) => metric.name));
    for (const kept of ['system.cpu.time', 'system.memory.usage', 'system.memory.utilization'])
      assert.ok(names.has(kept), `${kept} is missing`);
    for (const dropped of ['system.cpu.utilization', 'system.linux.memory.available'])
      assert.ok(!names.has(dropped), `${dropped} must be filtered out`);

    // Everything the filter let through before SIGTERM arrived: nothing was left in flight.
    const receivedPoints = metrics.reduce((sum, metric) => sum + (metric.sum ?? metric.gauge)!.dataPoints.length, 0);
    assert.ok(
      receivedPoints >= plugin['wasmpipe.processor.outgoing{signal=metrics}'],
      `received ${receivedPoints} points in ${receiver.requests.length} requests; the plugin had let ${JSON.stringify(plugin)} through before SIGTERM`,
    );

    const resource = request?.body.resourceMetrics?.[0]?.resource?.attributes ?? [];
    const hostName = resource.find((attribute) => attribute.key === 'host.name')?.value['stringValue'];
    const { hostname } = await import('node:os');
    assert.equal(hostName, hostname());

    const cpuTime = metrics.find((metric) => metric.name === 'system.cpu.time');
    assert.equal(cpuTime?.unit, 's');
    assert.equal(cpuTime?.sum?.isMonotonic, true);
    assert.equal(cpuTime?.sum?.aggregationTemporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
    const idle = cpuTime?.sum?.dataPoints.find((point) =>
      point.attributes?.some((attribute) => attribute.value['stringValue'] === 'idle'),
    );
    assert.ok(idle && pointValue(idle) > 0, 'cpu idle time is positive');
    assert.ok(
      BigInt(idle.startTimeUnixNano ?? '0') < BigInt(idle.timeUnixNano ?? '0'),
      'start time precedes the point',
    );

    const usage = metrics.find((metric) => metric.name === 'system.memory.usage');
    const used = usage?.sum?.dataPoints.find((point) =>
      point.attributes?.some((attribute) => attribute.value['stringValue'] === 'used'),
    );
    const { totalmem } = await import('node:os');
    assert.ok(used && pointValue(used) > 0 && pointValue(used) < totalmem(), 'used memory is between 0 and the total');
  });
});
