// A loopback OTLP/HTTP sink in its own process: answers 200 to every request and counts requests
// and bytes. It does not decode: it stands for a backend, not for a check of the encoding.
import { createServer } from 'node:http';

let requests = 0;
let bytes = 0;
const server = createServer((request, response) => {
  if (request.url === '/stats') {
    response.end(JSON.stringify({ requests, bytes }));
    return;
  }
  request.on('data', (chunk) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    requests++;
    response.writeHead(200, { 'content-type': 'application/x-protobuf' });
    response.end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
