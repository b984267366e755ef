// Test-only: an OTLP/gRPC server on @grpc/grpc-js that records each call (bytes and metadata) and
// answers as the test says. Plaintext in-process; with `tls` it runs as a Node child process
// (grpc-js's TLS server does not work on Deno), so the client under test runs on any runtime.

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http2';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { Signal } from '@wasmpipe/core';
import { otlpServiceDefinition } from '../otlp-grpc/service.ts';

/** One call the server received. */
export interface CapturedCall {
  signal: Signal;
  request: Uint8Array;
  metadata: Record<string, string>;
}

/** How to answer a call: a response, or an error with optional trailing metadata. */
export type GrpcAnswer =
  | { response: Uint8Array }
  | { error: { code: number; details: string; metadata?: grpc.Metadata } }
  | { hang: true };

/** A running test server. */
export interface GrpcTestServer {
  readonly address: string;
  readonly calls: CapturedCall[];
  answer(next: (call: CapturedCall) => GrpcAnswer): void;
  close(): Promise<void>;
}

/** Starts a plaintext OTLP/gRPC server on 127.0.0.1 and a free port. */
export async function startGrpcTestServer(): Promise<GrpcTestServer> {
  const calls: CapturedCall[] = [];
  let answer: (call: CapturedCall) => GrpcAnswer = () => ({ response: new Uint8Array(0) });
  const hanging: (() => void)[] = [];
  const server = new grpc.Server();
  for (const signal of ['metrics', 'logs'] as const) {
    server.addService(otlpServiceDefinition(signal), {
      Export(call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) {
        const metadata: Record<string, string> = {};
        for (const [key, value] of Object.entries(call.metadata.getMap())) metadata[key] = String(value);
        const captured = { signal, request: call.request, metadata };
        calls.push(captured);
        const result = answer(captured);
        if ('hang' in result) hanging.push(() => callback({ code: grpc.status.CANCELLED, details: 'closing' }));
        else if ('error' in result) callback(result.error);
        else callback(null, result.response);
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    calls,
    answer(next) {
      answer = next;
    },
    close: async () => {
      for (const release of hanging) release();
      server.forceShutdown();
    },
  };
}

/** A TLS OTLP/gRPC server in a Node child process; answers every call with an empty response. */
export interface TlsTestServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `grpc-tls-server.mjs` under Node with the fixture certificates; `requireClientCert` for mutual TLS. */
export async function startTlsTestServer(requireClientCert: boolean): Promise<TlsTestServer> {
  const script = fileURLToPath(new URL('./grpc-tls-server.mjs', import.meta.url));
  const fixtures = fileURLToPath(new URL('../otlp-grpc/__fixtures__/tls/', import.meta.url));
  const child: ChildProcess = spawn('node', [script, fixtures, String(requireClientCert)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The TLS test server exited with ${code}: ${output}`)));
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** One gRPC message as it crossed the wire. */
export interface RawGrpcMessage {
  headers: IncomingHttpHeaders;
  /** The compressed flag of the gRPC message prefix. */
  compressed: boolean;
  payload: Uint8Array;
}

/** A bare HTTP/2 server that answers every gRPC call with OK and keeps the raw message. */
export async function startRawGrpcCapture(): Promise<{
  address: string;
  messages: RawGrpcMessage[];
  close(): Promise<void>;
}> {
  const messages: RawGrpcMessage[] = [];
  const server = createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      messages.push({ headers, compressed: body[0] === 1, payload: body.subarray(5, 5 + body.readUInt32BE(1)) });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
