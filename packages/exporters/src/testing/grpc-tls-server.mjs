// Test-only: an OTLP/gRPC server with TLS, run under Node by grpc-test-server.ts.
// Usage: node grpc-tls-server.mjs <fixtures directory> <require client certificate: true|false>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';

const [directory, requireClientCert] = process.argv.slice(2);
const read = (name) => readFileSync(join(directory, name));
const passThrough = {
  requestStream: false,
  responseStream: false,
  requestSerialize: (bytes) => Buffer.from(bytes),
  requestDeserialize: (buffer) => buffer,
  responseSerialize: (bytes) => Buffer.from(bytes),
  responseDeserialize: (buffer) => buffer,
};
const server = new grpc.Server();
for (const signal of ['metrics', 'logs']) {
  const path = `/opentelemetry.proto.collector.${signal}.v1.${signal === 'metrics' ? 'Metrics' : 'Logs'}Service/Export`;
  server.addService(
    { Export: { ...passThrough, path } },
    { Export: (_call, callback) => callback(null, Buffer.alloc(0)) },
  );
}
const credentials = grpc.ServerCredentials.createSsl(
  read('ca.pem'),
  [{ private_key: read('server.key'), cert_chain: read('server.pem') }],
  requireClientCert === 'true',
);
server.bindAsync('127.0.0.1:0', credentials, (error, port) => {
  if (error) throw error;
  console.log(`listening on ${port}`);
});
process.on('SIGTERM', () => {
  server.forceShutdown();
  process.exit(0);
});
