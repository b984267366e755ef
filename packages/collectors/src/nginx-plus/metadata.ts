// The metrics of the `nginx_plus` collector: the NGINX Agent v3 `nginxplus` receiver's names,
// descriptions and units (its metadata.yaml), plus `nginx.up` and the resolver metrics, which the
// Agent does not emit. Timings are gauges in milliseconds; counters are cumulative sums.
import type { MetricDescriptor } from '../nginx-shared/metrics-builder.ts';

const counter = (name: string, unit: string, description: string): MetricDescriptor => ({
  name,
  unit,
  description,
  kind: 'counter',
  isInteger: true,
});
const gauge = (name: string, unit: string, description: string): MetricDescriptor => ({
  name,
  unit,
  description,
  kind: 'gauge',
  isInteger: true,
});

/** Every metric the collector emits, by a short key. */
export const PLUS_METRICS = {
  up: gauge('nginx.up', '1', 'Whether the last scrape of the NGINX Plus API succeeded (1) or failed (0).'),
  configReloads: counter('nginx.config.reloads', 'reloads', 'The total number of NGINX config reloads.'),
  // connections, http/requests
  connections: counter('nginx.http.connections', 'connections', 'The total number of connections.'),
  connectionCount: gauge('nginx.http.connection.count', 'connections', 'The current number of connections.'),
  requests: counter(
    'nginx.http.requests',
    'requests',
    'The total number of client requests received, since NGINX was last started or reloaded.',
  ),
  requestCount: gauge(
    'nginx.http.request.count',
    'requests',
    'The total number of client requests received, since the last collection interval.',
  ),
  // server and location zones
  requestDiscarded: counter(
    'nginx.http.request.discarded',
    'requests',
    'The total number of requests completed without sending a response.',
  ),
  requestIo: counter('nginx.http.request.io', 'bytes', 'The total number of HTTP byte IO.'),
  requestProcessingCount: gauge(
    'nginx.http.request.processing.count',
    'requests',
    'The number of client requests that are currently being processed.',
  ),
  responseStatus: counter(
    'nginx.http.response.status',
    'responses',
    'The total number of responses since NGINX was last started or reloaded, grouped by status code range.',
  ),
  responseCount: gauge(
    'nginx.http.response.count',
    'responses',
    'The total number of HTTP responses sent to clients since the last collection interval, grouped by status code range.',
  ),
  responses: counter('nginx.http.responses', 'responses', 'The total number of HTTP responses sent to clients.'),
  // limits
  limitConnRequests: counter(
    'nginx.http.limit_conn.requests',
    'connections',
    'The total number of connections to an endpoint with a limit_conn directive.',
  ),
  limitReqRequests: counter(
    'nginx.http.limit_req.requests',
    'requests',
    'The total number of requests to an endpoint with a limit_req directive.',
  ),
  // http upstreams
  upstreamKeepaliveCount: gauge(
    'nginx.http.upstream.keepalive.count',
    'connections',
    'The current number of idle keepalive connections per HTTP upstream.',
  ),
  upstreamQueueLimit: gauge(
    'nginx.http.upstream.queue.limit',
    'requests',
    'The maximum number of requests that can be in the queue at the same time.',
  ),
  upstreamQueueOverflows: counter(
    'nginx.http.upstream.queue.overflows',
    'responses',
    'The total number of requests rejected due to the queue overflow.',
  ),
  upstreamQueueUsage: gauge(
    'nginx.http.upstream.queue.usage',
    'requests',
    'The current number of requests in the queue.',
  ),
  upstreamZombieCount: gauge(
    'nginx.http.upstream.zombie.count',
    'is_deployed',
    'The current number of upstream peers removed from the group but still processing active client requests.',
  ),
  peerConnectionCount: gauge(
    'nginx.http.upstream.peer.connection.count',
    'connections',
    'The average number of active connections per HTTP upstream peer.',
  ),
  peerCount: gauge(
    'nginx.http.upstream.peer.count',
    'peers',
    'The current count of peers on the HTTP upstream grouped by state.',
  ),
  peerFails: counter(
    'nginx.http.upstream.peer.fails',
    'attempts',
    'The total number of unsuccessful attempts to communicate with the HTTP upstream peer.',
  ),
  peerHeaderTime: gauge(
    'nginx.http.upstream.peer.header.time',
    'ms',
    'The average time to get the response header from the HTTP upstream peer.',
  ),
  peerHealthChecks: counter(
    'nginx.http.upstream.peer.health_checks',
    'requests',
    'The total number of health check requests made to a HTTP upstream peer.',
  ),
  peerIo: counter('nginx.http.upstream.peer.io', 'bytes', 'The total number of byte IO per HTTP upstream peer.'),
  peerRequests: counter(
    'nginx.http.upstream.peer.requests',
    'requests',
    'The total number of client requests forwarded to the HTTP upstream peer.',
  ),
  peerResponseTime: gauge(
    'nginx.http.upstream.peer.response.time',
    'ms',
    'The average time to get the full response from the HTTP upstream peer.',
  ),
  peerResponses: counter(
    'nginx.http.upstream.peer.responses',
    'responses',
    'The total number of responses obtained from the HTTP upstream peer grouped by status range.',
  ),
  peerState: gauge('nginx.http.upstream.peer.state', 'is_deployed', 'Current state of an upstream peer in deployment.'),
  peerUnavailables: counter(
    'nginx.http.upstream.peer.unavailables',
    'requests',
    "The total number of times the server became unavailable for client requests ('unavail').",
  ),
  // caches
  cacheBytesRead: counter(
    'nginx.cache.bytes_read',
    'bytes',
    'The total number of bytes read from the cache or proxied server.',
  ),
  cacheMemoryLimit: gauge(
    'nginx.cache.memory.limit',
    'bytes',
    'The limit on the maximum size of the cache specified in the configuration.',
  ),
  cacheMemoryUsage: gauge('nginx.cache.memory.usage', 'bytes', 'The current size of the cache.'),
  cacheResponses: counter(
    'nginx.cache.responses',
    'responses',
    'The total number of responses read from the cache or proxied server.',
  ),
  // slabs
  slabPageFree: gauge('nginx.slab.page.free', 'pages', 'The current number of free memory pages.'),
  slabPageLimit: gauge('nginx.slab.page.limit', 'pages', 'The total number of memory pages (free and used).'),
  slabPageUsage: gauge('nginx.slab.page.usage', 'pages', 'The current number of used memory pages.'),
  slabPageUtilization: {
    ...gauge('nginx.slab.page.utilization', '%', 'The current percentage of used memory pages.'),
    isInteger: false,
  },
  slabSlotAllocations: counter(
    'nginx.slab.slot.allocations',
    'allocations',
    'The number of attempts to allocate memory of specified size.',
  ),
  slabSlotFree: gauge('nginx.slab.slot.free', 'slots', 'The current number of free memory slots.'),
  slabSlotUsage: gauge('nginx.slab.slot.usage', 'slots', 'The current number of used memory slots.'),
  // ssl
  sslHandshakes: counter('nginx.ssl.handshakes', 'handshakes', 'The total number of SSL handshakes.'),
  sslVerifyFailures: counter(
    'nginx.ssl.certificate.verify_failures',
    'certificates',
    'The total number of SSL certificate verification failures.',
  ),
  // stream
  streamConnectionAccepted: counter(
    'nginx.stream.connection.accepted',
    'connections',
    'The total number of connections accepted from clients.',
  ),
  streamConnectionDiscarded: counter(
    'nginx.stream.connection.discarded',
    'connections',
    'Total number of connections completed without creating a session.',
  ),
  streamConnectionProcessingCount: gauge(
    'nginx.stream.connection.processing.count',
    'connections',
    'The number of client connections that are currently being processed.',
  ),
  streamIo: counter('nginx.stream.io', 'bytes', 'The total number of Stream byte IO.'),
  streamSessionStatus: counter('nginx.stream.session.status', 'sessions', 'The total number of completed sessions.'),
  streamPeerConnectionCount: gauge(
    'nginx.stream.upstream.peer.connection.count',
    'connections',
    'The current number of Stream Upstream Peer connections.',
  ),
  streamPeerConnectionTime: gauge(
    'nginx.stream.upstream.peer.connection.time',
    'ms',
    'The average time to connect to the stream upstream peer.',
  ),
  streamPeerConnections: counter(
    'nginx.stream.upstream.peer.connections',
    'connections',
    'The total number of client connections forwarded to this stream upstream peer.',
  ),
  streamPeerCount: gauge(
    'nginx.stream.upstream.peer.count',
    'peers',
    'The current number of stream upstream peers grouped by state.',
  ),
  streamPeerFails: counter(
    'nginx.stream.upstream.peer.fails',
    'attempts',
    'The total number of unsuccessful attempts to communicate with the stream upstream peer.',
  ),
  streamPeerHealthChecks: counter(
    'nginx.stream.upstream.peer.health_checks',
    'requests',
    'The total number of health check requests made to the stream upstream peer.',
  ),
  streamPeerIo: counter('nginx.stream.upstream.peer.io', 'bytes', 'The total number of Stream Upstream Peer byte IO.'),
  streamPeerResponseTime: gauge(
    'nginx.stream.upstream.peer.response.time',
    'ms',
    'The average time to receive the last byte of data for the stream upstream peer.',
  ),
  streamPeerState: gauge(
    'nginx.stream.upstream.peer.state',
    'deployments',
    'Current state of upstream peers in deployment.',
  ),
  streamPeerTtfbTime: gauge(
    'nginx.stream.upstream.peer.ttfb.time',
    'ms',
    'The average time to receive the first byte of data for the stream upstream peer.',
  ),
  streamPeerUnavailables: counter(
    'nginx.stream.upstream.peer.unavailables',
    'requests',
    "How many times the server became unavailable for client connections (state 'unavail') due to the number of unsuccessful attempts reaching the max_fails threshold.",
  ),
  streamZombieCount: gauge(
    'nginx.stream.upstream.zombie.count',
    'deployments',
    'The current number of peers removed from the group but still processing active client connections.',
  ),
  // resolvers (not in the Agent; named in its style)
  resolverRequests: counter('nginx.resolver.requests', 'requests', 'The total number of DNS requests, by type.'),
  resolverResponses: counter('nginx.resolver.responses', 'responses', 'The total number of DNS responses, by outcome.'),
} as const satisfies Record<string, MetricDescriptor>;

/** Upstream peer states as the API writes them, and as the Agent's `nginx.peer.state` enum. */
export const PEER_STATES: readonly (readonly [api: string, attribute: string])[] = [
  ['checking', 'CHECKING'],
  ['down', 'DOWN'],
  ['draining', 'DRAINING'],
  ['unavail', 'UNAVAILABLE'],
  ['unhealthy', 'UNHEALTHY'],
  ['up', 'UP'],
];

/** Status ranges as the API's `responses` object keys them. */
export const STATUS_RANGES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** Cache outcomes: API keys and the Agent's `nginx.cache.outcome` values. */
export const CACHE_OUTCOMES: readonly (readonly [api: string, attribute: string])[] = [
  ['bypass', 'BYPASS'],
  ['expired', 'EXPIRED'],
  ['hit', 'HIT'],
  ['miss', 'MISS'],
  ['revalidated', 'REVALIDATED'],
  ['stale', 'STALE'],
  ['updating', 'UPDATING'],
];
