// Scale-out with real processes: a real nats-server with JetStream, one wasmpipe agent (OTLP in,
// nats out), wasmpipe gateways (nats in, OTLP/HTTP out) sharing one durable consumer, and a real
// OTLP/HTTP sink that counts every numbered point it receives. The test plays an SDK sending
// numbered points to the agent.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { MetricsBatch } from '@wasmpipe/core';
import { encodeMetricsRequest } from '@wasmpipe/exporters';
import { type OtlpSink, startOtlpSink } from '../../exporters/src/testing/otlp-sink.ts';
import {
  type NatsServer,
  natsServerSkipReason,
  startNatsServer,
} from '../../nats/src/testing/nats-server.test-support.ts';
import { eventually, startWasmpipe, type WasmpipeProcess } from './testing/wasmpipe-process.test-support.ts';

const skip = natsServerSkipReason();
const POINTS = 10; // per request, so per message

let directory: string;
let server: NatsServer | undefined;
let client: NatsConnection | undefined;
const processes: WasmpipeProcess[] = [];
const sinks: OtlpSink[] = [];

before(async () => {
  if (skip) return;
  directory = await mkdtemp(join(tmpdir(), 'wasmpipe-scale-out-'));
  server = await startNatsServer();
  client = await connect({ servers: server.url });
});
after(async () => {
  for (const running of processes) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  await Promise.all(processes.map((running) => running.exited()));
  for (const sink of sinks) await sink.close();
  await client?.close();
  await server?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

/** A request of POINTS gauge points numbered from `first`. */
function numbered(first: number): MetricsBatch {
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'scale' } },
        scopeMetrics: [
          {
            scope: { name: 'scale-out-test' },
            metrics: [
              {
                name: 'sequence',
                data: {
                  type: 'gauge',
                  dataPoints: Array.from({ length: POINTS }, (_, index) => ({
                    attributes: {},
                    timeUnixNano: BigInt(first + index),
                    value: first + index,
                    isInteger: true,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function run(name: string, yaml: string): Promise<WasmpipeProcess> {
  const config = join(directory, `${name}.yaml`);
  await writeFile(config, yaml);
  const running = startWasmpipe(['run', '--config', config, '--log-format', 'json']);
  processes.push(running);
  await running.waitFor(/Everything is ready/, 30_000);
  return running;
}

/** An agent: OTLP/HTTP in, nats out to `stream`. Returns it and its OTLP endpoint. */
async function agent(stream: string): Promise<{ process: WasmpipeProcess; otlp: string }> {
  const running = await run(
    `agent-${stream}`,
    `
collectors:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:0 }
exporters:
  nats:
    servers: [${server?.url}]
    subject: ${stream.toLowerCase()}.{signal}
    stream: { name: ${stream}, subjects: ['${stream.toLowerCase()}.>'] }
pipelines:
  metrics: { collectors: [otlp], exporters: [nats] }
`,
  );
  const match = /OTLP\/HTTP is listening\.[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(running.stderr() + running.stdout());
  assert.ok(match?.[1], 'the agent logs its OTLP/HTTP endpoint');
  return { process: running, otlp: match[1] };
}

interface GatewayOptions {
  maxAckPending?: number;
  ackWait?: string;
  retry?: string;
  maxDeliver?: number;
}

/** A gateway: nats in (durable `gw`), OTLP/HTTP out to the sink. Returns it and its admin URL. */
async function gateway(
  name: string,
  stream: string,
  sink: OtlpSink,
  options: GatewayOptions = {},
): Promise<{ process: WasmpipeProcess; admin: string }> {
  const running = await run(
    name,
    `
collectors:
  nats:
    servers: [${server?.url}]
    durable: gw
    stream: { name: ${stream}, subjects: ['${stream.toLowerCase()}.>'] }
    max_ack_pending: ${options.maxAckPending ?? 64}
    fetch_size: 8
    ack_wait: ${options.ackWait ?? '30s'}
    max_deliver: ${options.maxDeliver ?? 5}
    nak_delay: 100ms
    nak_max_delay: 500ms
    dead_letter:
      subject: ${stream.toLowerCase()}_dead.{durable}
      stream: { name: ${stream}_DEAD, subjects: ['${stream.toLowerCase()}_dead.>'] }
exporters:
  otlp_http:
    endpoint: ${sink.url}
    retry_on_failure: ${options.retry ?? '{ initial_interval: 50ms, max_interval: 200ms }'}
admin:
  endpoint: 127.0.0.1:0
pipelines:
  metrics: { collectors: [nats], exporters: [otlp_http] }
`,
  );
  return { process: running, admin: await running.adminUrl() };
}

/** One counter of a running process, from its admin endpoint. */
async function counter(admin: string, component: string, key: string): Promise<number> {
  const body = (await (await fetch(`${admin}/components`)).json()) as {
    components: Record<string, Record<string, number>>;
  };
  return Number(body.components[component]?.[key] ?? 0);
}

/** Sends `count` numbered requests to the agent, from `first`; returns the sequence numbers sent. */
async function send(otlp: string, first: number, count: number): Promise<number[]> {
  const sent: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = first + index * POINTS;
    const response = await fetch(`${otlp}/v1/metrics`, {
      method: 'POST',
      body: encodeMetricsRequest(numbered(start)),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    assert.equal(response.status, 200, await response.text());
    for (let point = 0; point < POINTS; point++) sent.push(start + point);
  }
  return sent;
}

/** How many times the sink received each sequence number. */
function tally(sink: OtlpSink): Map<number, number> {
  const seen = new Map<number, number>();
  for (const point of sink.points) seen.set(point.sequence, (seen.get(point.sequence) ?? 0) + 1);
  return seen;
}

async function stop(running: WasmpipeProcess): Promise<void> {
  if (running.child.exitCode !== null) return;
  running.child.kill('SIGTERM');
  assert.equal(await running.exited(), 0, running.stderr().slice(-3000));
}

describe('scale-out through NATS JetStream with the wasmpipe binary', { skip }, () => {
  it('one agent, two gateways: every batch reaches the sink, and both gateways did part of the work', async () => {
    const sink = await startOtlpSink();
    sinks.push(sink);
    sink.answer(() => ({ acceptAfterMs: 10 })); // a little latency, so both gateways have work in flight
    const one = await gateway('gw-split-1', 'SPLIT', sink);
    const two = await gateway('gw-split-2', 'SPLIT', sink);
    const { process: agentProcess, otlp } = await agent('SPLIT');
    const sent = await send(otlp, 0, 200);
    await eventually(() => sent.every((sequence) => tally(sink).has(sequence)), 'every point at the sink', 60_000);
    const acked = async (admin: string) => counter(admin, 'nats', 'wasmpipe.collector.nats.acknowledged');
    await eventually(async () => (await acked(one.admin)) + (await acked(two.admin)) >= 200, 'every message acked');
    const [byOne, byTwo] = [await acked(one.admin), await acked(two.admin)];
    assert.ok(byOne > 0 && byTwo > 0, `both gateways acknowledged messages: ${byOne} and ${byTwo}`);
    const duplicates = sink.points.length - new Set(sink.points.map((point) => point.sequence)).size;
    assert.equal(duplicates, 0, 'no gateway failed, so nothing was delivered twice');
    console.log(`split: gateway 1 acknowledged ${byOne} messages, gateway 2 ${byTwo}`);
    await Promise.all([stop(agentProcess), stop(one.process), stop(two.process)]);
  });

  it('kill -9 of one gateway mid-stream: every point still arrives; duplicates are counted and bounded by max_ack_pending', async () => {
    const sink = await startOtlpSink();
    sinks.push(sink);
    sink.answer(() => ({ acceptAfterMs: 20 }));
    const maxAckPending = 16;
    const options = { maxAckPending, ackWait: '2s' };
    const victim = await gateway('gw-kill-1', 'KILL', sink, options);
    const survivor = await gateway('gw-kill-2', 'KILL', sink, options);
    const { process: agentProcess, otlp } = await agent('KILL');
    const first = await send(otlp, 0, 100);
    await eventually(
      async () => (await counter(victim.admin, 'nats', 'wasmpipe.collector.nats.acknowledged')) >= 5,
      'the victim to have done some work',
      60_000,
    );
    victim.process.child.kill('SIGKILL');
    assert.equal(await victim.process.exited(), 'SIGKILL');
    const second = await send(otlp, 100 * POINTS, 100);
    const sent = [...first, ...second];
    await eventually(() => sent.every((sequence) => tally(sink).has(sequence)), 'every point at the sink', 90_000);
    const duplicates = sink.points.length - tally(sink).size;
    const redelivered = await counter(survivor.admin, 'nats', 'wasmpipe.collector.nats.redelivered{signal=metrics}');
    console.log(
      `kill -9: ${sent.length} points sent, ${sink.points.length} received, ${duplicates} duplicates, ${redelivered} points redelivered to the survivor (bound ${maxAckPending * POINTS})`,
    );
    assert.ok(duplicates <= maxAckPending * POINTS, `${duplicates} duplicates exceed max_ack_pending × points`);
    assert.ok(duplicates <= redelivered, `every duplicate was counted as redelivered (${duplicates} > ${redelivered})`);
    assert.ok(redelivered > 0, 'the killed gateway left messages to be redelivered');
    await Promise.all([stop(agentProcess), stop(survivor.process)]);
  });

  it('an export failure at the sink is nacked with a delay, redelivered, and eventually delivered', async () => {
    const sink = await startOtlpSink();
    sinks.push(sink);
    let failing = true;
    sink.answer(() => (failing ? { status: 400 } : 'accept')); // permanent: the exporter gives up at once
    const { process: gatewayProcess, admin } = await gateway('gw-fail', 'FAIL', sink, { maxDeliver: 100 });
    const { process: agentProcess, otlp } = await agent('FAIL');
    const sent = await send(otlp, 0, 5);
    await eventually(async () => (await counter(admin, 'nats', 'wasmpipe.collector.nats.nacked')) >= 5, 'naks');
    assert.equal(sink.points.length, 0);
    failing = false;
    await eventually(() => sent.every((sequence) => tally(sink).has(sequence)), 'every point at the sink', 30_000);
    await eventually(
      async () => (await counter(admin, 'nats', 'wasmpipe.collector.nats.acknowledged')) === 5,
      'all five messages acknowledged',
    );
    assert.ok((await counter(admin, 'nats', 'wasmpipe.collector.nats.redelivered{signal=metrics}')) >= 5 * POINTS);
    await Promise.all([stop(agentProcess), stop(gatewayProcess)]);
  });

  it('a poison message lands in the dead-letter subject after max_deliver, counted', async () => {
    const sink = await startOtlpSink();
    sinks.push(sink);
    const { process: gatewayProcess, admin } = await gateway('gw-poison', 'POISON', sink, { maxDeliver: 3 });
    const headers = natsHeaders();
    headers.set('Wasmpipe-Signal', 'metrics');
    headers.set('Wasmpipe-Encoding', 'otlp_proto');
    const js = jetstream(client as NatsConnection);
    await js.publish('poison.metrics', new TextEncoder().encode('not protobuf at all'), { headers });
    await eventually(
      async () => (await counter(admin, 'nats', 'wasmpipe.collector.nats.dead_lettered')) === 1,
      'the dead letter',
      30_000,
    );
    assert.equal(await counter(admin, 'nats', 'wasmpipe.collector.nats.poison'), 3);
    const manager = await jetstreamManager(client as NatsConnection);
    const dead = await manager.streams.info('POISON_DEAD');
    assert.equal(dead.state.messages, 1);
    const letter = await manager.streams.getMessage('POISON_DEAD', { seq: dead.state.first_seq });
    assert.equal(letter?.subject, 'poison_dead.gw');
    assert.equal(new TextDecoder().decode(letter?.data), 'not protobuf at all');
    assert.equal(sink.points.length, 0);
    await stop(gatewayProcess);
  });
});
