import {
  type EndpointRecorder,
  recordCaches,
  recordConnections,
  recordHttpRequests,
  recordHttpUpstreams,
  recordLimitConns,
  recordLimitReqs,
  recordLocationZones,
  recordNginx,
  recordResolvers,
  recordServerZones,
  recordSlabs,
  recordSsl,
  recordStreamServerZones,
  recordStreamUpstreams,
} from './record.ts';

/** One API endpoint the collector reads: its path under `/api/<version>/`, the first version with it. */
export interface PlusEndpoint {
  path: string;
  since: number;
  record: EndpointRecorder;
}

/** Every endpoint read, as listed in METRICS.md, with the API version that added it. */
export const PLUS_ENDPOINTS: readonly PlusEndpoint[] = [
  { path: 'nginx', since: 1, record: recordNginx },
  { path: 'connections', since: 1, record: recordConnections },
  { path: 'ssl', since: 1, record: recordSsl },
  { path: 'slabs', since: 1, record: recordSlabs },
  { path: 'http/requests', since: 1, record: recordHttpRequests },
  { path: 'http/server_zones', since: 1, record: recordServerZones },
  { path: 'http/location_zones', since: 5, record: recordLocationZones },
  { path: 'http/upstreams', since: 1, record: recordHttpUpstreams },
  { path: 'http/caches', since: 1, record: recordCaches },
  { path: 'http/limit_reqs', since: 6, record: recordLimitReqs },
  { path: 'http/limit_conns', since: 6, record: recordLimitConns },
  { path: 'stream/server_zones', since: 1, record: recordStreamServerZones },
  { path: 'stream/upstreams', since: 1, record: recordStreamUpstreams },
  { path: 'resolvers', since: 5, record: recordResolvers },
];

/** The newest API version this collector knows the shape of. */
export const NEWEST_KNOWN_API_VERSION = 9;

/** The endpoints an API version has. */
export function endpointsFor(version: number): PlusEndpoint[] {
  return PLUS_ENDPOINTS.filter((endpoint) => endpoint.since <= version);
}

/**
 * The version to read from what `GET /api/` lists: the highest this collector knows, or, when the
 * server only offers newer ones, the lowest of those (newer versions add fields; they keep old ones).
 */
export function pickApiVersion(offered: readonly number[]): number | undefined {
  const known = offered.filter((version) => version <= NEWEST_KNOWN_API_VERSION);
  if (known.length > 0) return Math.max(...known);
  return offered.length > 0 ? Math.min(...offered) : undefined;
}
