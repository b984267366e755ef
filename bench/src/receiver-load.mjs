// Load for the receiver benchmark, in its own process: sends one pre-encoded OTLP export request
// over and over with a fixed number of requests in flight, for a fixed time, and prints what it
// managed as JSON. Plain Node, no TypeScript, so it starts fast and measures only sending.
// Usage: node receiver-load.mjs <http|grpc> <url or host:port> <payload file> <concurrency> <seconds>
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import * as grpc from '@grpc/grpc-js';

const [protocol, target, payloadFile, concurrencyText, secondsText] = process.argv.slice(2);
const payload = readFileSync(payloadFile);
const concurrency = Number(concurrencyText);
const deadline = performance.now() + Number(secondsText) * 1000;
let completed = 0;
let failed = 0;

function httpSender() {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target);
  return () =>
    new Promise((resolve) => {
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
          response.on('end', () => {
            if (response.statusCode === 200) completed++;
            else failed++;
            resolve();
          });
        },
      );
      outgoing.on('error', () => {
        failed++;
        resolve();
      });
      outgoing.end(payload);
    });
}

function grpcSender() {
  const passThrough = (bytes) => bytes;
  const Client = grpc.makeGenericClientConstructor(
    {
      Export: {
        path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    },
    'MetricsService',
  );
  const client = new Client(target, grpc.credentials.createInsecure());
  return () =>
    new Promise((resolve) => {
      client.Export(payload, (error) => {
        if (error) failed++;
        else completed++;
        resolve();
      });
    });
}

const send = protocol === 'grpc' ? grpcSender() : httpSender();
const started = performance.now();
async function worker() {
  while (performance.now() < deadline) await send();
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ completed, failed, seconds })}\n`);
process.exit(0);
