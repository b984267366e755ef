#!/usr/bin/env node
// Test-only: a real HTTPS server run by Node in its own process (so its TLS is Node's, whichever
// runtime runs the test). Usage: node https-server.mjs <dir with ca.crt server.crt server.key> [maxVersion]
// Prints {"port": n} once listening, then one JSON line per request.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

const [directory, maxVersion] = process.argv.slice(2);
const server = createServer(
  {
    key: readFileSync(join(directory, 'server.key')),
    cert: readFileSync(join(directory, 'server.crt')),
    ca: readFileSync(join(directory, 'ca.crt')),
    requestCert: true,
    rejectUnauthorized: false,
    ...(maxVersion ? { maxVersion } : {}),
  },
  (request, response) => {
    let bytes = 0;
    request.on('data', (chunk) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      const peer = request.socket.getPeerCertificate();
      const line = {
        path: request.url,
        bytes,
        client: peer?.subject?.CN ?? null,
        authorized: request.socket.authorized,
        protocol: request.socket.getProtocol(),
        encoding: request.headers['content-encoding'] ?? null,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  },
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
