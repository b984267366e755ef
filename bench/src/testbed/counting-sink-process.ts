// The counting sink's process (started by counting-sink.ts, never imported): an OTLP/HTTP server
// on a free loopback port that decodes every protobuf export request (gzip or not) with our
// decoder and counts data points and log records, and those that lack an expected resource
// attribute (proof that a plugin ran). It answers 200 with an empty export response.
import { createServer } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { decodeLogsRequest, decodeMetricsRequest } from '@wasmpipe/exporters';
import type { SinkStats } from './counting-sink.ts';

const expectedAttribute = process.argv[2] || undefined;
const stats: SinkStats = {
  requests: 0,
  bytes: 0,
  points: 0,
  records: 0,
  undecodable: 0,
  withoutExpectedAttribute: 0,
  lastRequestAt: 0,
};

function count(path: string, body: Uint8Array): void {
  if (path.endsWith('/v1/metrics')) {
    for (const resource of decodeMetricsRequest(body).batch.resourceMetrics) {
      let points = 0;
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) points += metric.data.dataPoints.length;
      stats.points += points;
      if (expectedAttribute && !(expectedAttribute in resource.resource.attributes))
        stats.withoutExpectedAttribute += points;
    }
  } else {
    for (const resource of decodeLogsRequest(body).batch.resourceLogs) {
      let records = 0;
      for (const scope of resource.scopeLogs) records += scope.logRecords.length;
      stats.records += records;
      if (expectedAttribute && !(expectedAttribute in resource.resource.attributes))
        stats.withoutExpectedAttribute += records;
    }
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let body = Buffer.concat(chunks);
    stats.requests++;
    stats.bytes += body.length;
    stats.lastRequestAt = Date.now();
    try {
      const encoding = request.headers['content-encoding'];
      if (encoding === 'gzip') body = gunzipSync(body);
      else if (encoding === 'deflate') body = inflateSync(body);
      count(request.url ?? '', body);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end();
    } catch {
      stats.undecodable++;
      response.writeHead(400);
      response.end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', stats });
  if (message.type === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
