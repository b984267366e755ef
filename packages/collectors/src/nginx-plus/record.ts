// Maps each NGINX Plus API endpoint to metrics, as the NGINX Agent v3 nginxplus receiver does.
// Pure: JSON in, data points into a MetricsBuilder out. Attributes that have no value (the
// Agent's "" for the totals of http/requests) are left out rather than sent empty.
import type { Attributes } from '@wasmpipe/core';
import type { MetricsBuilder } from '../nginx-shared/metrics-builder.ts';
import { asObject, entriesOf, type JsonObject, numberAt, objectAt, objectsAt, stringAt } from './json-reader.ts';
import { CACHE_OUTCOMES, PLUS_METRICS as M, PEER_STATES, STATUS_RANGES } from './metadata.ts';

/** How one endpoint's JSON becomes metrics. */
export type EndpointRecorder = (builder: MetricsBuilder, data: unknown, path: string) => void;

const ZONE = 'nginx.zone.name';
const ZONE_TYPE = 'nginx.zone.type';
const UPSTREAM = 'nginx.upstream.name';
const PEER_ADDRESS = 'nginx.peer.address';
const PEER_NAME = 'nginx.peer.name';
const PEER_STATE = 'nginx.peer.state';
const STATUS_RANGE = 'nginx.status_range';
const DIRECTION = 'nginx.io.direction';

/** `/nginx`: the reload count. */
export const recordNginx: EndpointRecorder = (builder, data, path) => {
  builder.add(M.configReloads, numberAt(asObject(data, path), 'generation', path));
};

/** `/connections`. */
export const recordConnections: EndpointRecorder = (builder, data, path) => {
  const connections = asObject(data, path);
  const outcome = (value: string) => ({ 'nginx.connections.outcome': value });
  builder.add(M.connections, numberAt(connections, 'accepted', path), outcome('ACCEPTED'));
  builder.add(M.connections, numberAt(connections, 'dropped', path), outcome('DROPPED'));
  builder.add(M.connectionCount, numberAt(connections, 'active', path), outcome('ACTIVE'));
  builder.add(M.connectionCount, numberAt(connections, 'idle', path), outcome('IDLE'));
};

/** `/http/requests`: the totals, without zone attributes. */
export const recordHttpRequests: EndpointRecorder = (builder, data, path) => {
  const total = numberAt(asObject(data, path), 'total', path);
  builder.add(M.requests, total);
  builder.addIncrease(M.requestCount, total);
};

function recordZone(builder: MetricsBuilder, zone: JsonObject, attributes: Attributes, path: string): void {
  const io = (direction: string) => ({ ...attributes, [DIRECTION]: direction });
  builder.add(M.requestIo, numberAt(zone, 'received', path), io('receive'));
  builder.add(M.requestIo, numberAt(zone, 'sent', path), io('transmit'));
  const requests = numberAt(zone, 'requests', path);
  builder.add(M.requests, requests, attributes);
  builder.addIncrease(M.requestCount, requests, attributes);
  builder.add(M.requestDiscarded, numberAt(zone, 'discarded', path), attributes);
  builder.add(M.requestProcessingCount, numberAt(zone, 'processing', path), attributes);
  const responses = objectAt(zone, 'responses', path);
  if (!responses) return;
  const responsesPath = `${path}/responses`;
  builder.add(M.responses, numberAt(responses, 'total', responsesPath), attributes);
  for (const range of STATUS_RANGES) {
    const value = numberAt(responses, range, responsesPath);
    const rangeAttributes = { ...attributes, [STATUS_RANGE]: range };
    builder.add(M.responseStatus, value, rangeAttributes);
    builder.addIncrease(M.responseCount, value, rangeAttributes);
  }
}

/** `/http/server_zones`. */
export const recordServerZones: EndpointRecorder = (builder, data, path) => {
  for (const [name, zone] of entriesOf(data, path)) {
    recordZone(builder, zone, { [ZONE]: name, [ZONE_TYPE]: 'SERVER' }, `${path}/${name}`);
  }
};

/** `/http/location_zones` (API 5+); location zones have no `processing`. */
export const recordLocationZones: EndpointRecorder = (builder, data, path) => {
  for (const [name, zone] of entriesOf(data, path)) {
    recordZone(builder, zone, { [ZONE]: name, [ZONE_TYPE]: 'LOCATION' }, `${path}/${name}`);
  }
};

/** `/http/limit_conns` (API 6+). */
export const recordLimitConns: EndpointRecorder = (builder, data, path) => {
  for (const [name, zone] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    for (const [key, outcome] of [
      ['passed', 'PASSED'],
      ['rejected', 'REJECTED'],
      ['rejected_dry_run', 'REJECTED_DRY_RUN'],
    ] as const) {
      builder.add(M.limitConnRequests, numberAt(zone, key, at), { 'nginx.limit_conn.outcome': outcome, [ZONE]: name });
    }
  }
};

/** `/http/limit_reqs` (API 6+). */
export const recordLimitReqs: EndpointRecorder = (builder, data, path) => {
  for (const [name, zone] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    for (const [key, outcome] of [
      ['passed', 'PASSED'],
      ['rejected', 'REJECTED'],
      ['rejected_dry_run', 'REJECTED_DRY_RUN'],
      ['delayed', 'DELAYED'],
      ['delayed_dry_run', 'DELAYED_DRY_RUN'],
    ] as const) {
      builder.add(M.limitReqRequests, numberAt(zone, key, at), { 'nginx.limit_req.outcome': outcome, [ZONE]: name });
    }
  }
};

/** The state gauges of one peer (1 for its state, 0 for the others) and its health checks. */
function recordPeerCommon(
  builder: MetricsBuilder,
  peer: JsonObject,
  attributes: Attributes,
  path: string,
  stateMetric: typeof M.peerState,
  healthMetric: typeof M.peerHealthChecks,
): string | undefined {
  const state = stringAt(peer, 'state', path);
  for (const [api, attribute] of PEER_STATES) {
    builder.add(stateMetric, state === api ? 1 : 0, { ...attributes, [PEER_STATE]: attribute });
  }
  const health = objectAt(peer, 'health_checks', path);
  if (health) {
    const at = `${path}/health_checks`;
    builder.add(healthMetric, numberAt(health, 'checks', at), attributes);
    builder.add(healthMetric, numberAt(health, 'fails', at), { ...attributes, 'nginx.health_check': 'FAIL' });
    builder.add(healthMetric, numberAt(health, 'unhealthy', at), { ...attributes, 'nginx.health_check': 'UNHEALTHY' });
  }
  return state;
}

function recordPeerCounts(
  builder: MetricsBuilder,
  metric: typeof M.peerCount,
  states: Map<string | undefined, number>,
  attributes: Attributes,
): void {
  for (const [api, attribute] of PEER_STATES) {
    builder.add(metric, states.get(api) ?? 0, { ...attributes, [PEER_STATE]: attribute });
  }
}

function peerAttributes(peer: JsonObject, upstream: Attributes, path: string): Attributes {
  const attributes: Attributes = { ...upstream };
  const address = stringAt(peer, 'server', path);
  const name = stringAt(peer, 'name', path);
  if (address !== undefined) attributes[PEER_ADDRESS] = address;
  if (name !== undefined) attributes[PEER_NAME] = name;
  return attributes;
}

function upstreamAttributes(name: string, upstream: JsonObject, path: string): Attributes {
  const zone = stringAt(upstream, 'zone', path);
  return zone === undefined ? { [UPSTREAM]: name } : { [UPSTREAM]: name, [ZONE]: zone };
}

/** `/http/upstreams`, with every peer. */
export const recordHttpUpstreams: EndpointRecorder = (builder, data, path) => {
  for (const [name, upstream] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    const attributes = upstreamAttributes(name, upstream, at);
    builder.add(M.upstreamKeepaliveCount, numberAt(upstream, 'keepalive', at), attributes);
    builder.add(M.upstreamZombieCount, numberAt(upstream, 'zombies', at), attributes);
    const queue = objectAt(upstream, 'queue', at);
    if (queue) {
      builder.add(M.upstreamQueueLimit, numberAt(queue, 'max_size', `${at}/queue`), attributes);
      builder.add(M.upstreamQueueOverflows, numberAt(queue, 'overflows', `${at}/queue`), attributes);
      builder.add(M.upstreamQueueUsage, numberAt(queue, 'size', `${at}/queue`), attributes);
    }
    const states = new Map<string | undefined, number>();
    objectsAt(upstream, 'peers', at).forEach((peer, index) => {
      const peerPath = `${at}/peers/${index}`;
      const peerAttributesValue = peerAttributes(peer, attributes, peerPath);
      const io = (direction: string) => ({ ...peerAttributesValue, [DIRECTION]: direction });
      builder.add(M.peerIo, numberAt(peer, 'received', peerPath), io('receive'));
      builder.add(M.peerIo, numberAt(peer, 'sent', peerPath), io('transmit'));
      builder.add(M.peerConnectionCount, numberAt(peer, 'active', peerPath), peerAttributesValue);
      builder.add(M.peerFails, numberAt(peer, 'fails', peerPath), peerAttributesValue);
      builder.add(M.peerHeaderTime, numberAt(peer, 'header_time', peerPath), peerAttributesValue);
      builder.add(M.peerRequests, numberAt(peer, 'requests', peerPath), peerAttributesValue);
      builder.add(M.peerResponseTime, numberAt(peer, 'response_time', peerPath), peerAttributesValue);
      builder.add(M.peerUnavailables, numberAt(peer, 'unavail', peerPath), peerAttributesValue);
      const responses = objectAt(peer, 'responses', peerPath);
      if (responses) {
        const responsesPath = `${peerPath}/responses`;
        builder.add(M.peerResponses, numberAt(responses, 'total', responsesPath), peerAttributesValue);
        for (const range of STATUS_RANGES) {
          builder.add(M.peerResponses, numberAt(responses, range, responsesPath), {
            ...peerAttributesValue,
            [STATUS_RANGE]: range,
          });
        }
      }
      const state = recordPeerCommon(builder, peer, peerAttributesValue, peerPath, M.peerState, M.peerHealthChecks);
      states.set(state, (states.get(state) ?? 0) + 1);
    });
    recordPeerCounts(builder, M.peerCount, states, attributes);
  }
};

/** `/http/caches`. */
export const recordCaches: EndpointRecorder = (builder, data, path) => {
  for (const [name, cache] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    const attributes = { 'nginx.cache.name': name };
    for (const [api, outcome] of CACHE_OUTCOMES) {
      const stats = objectAt(cache, api, at);
      if (!stats) continue;
      const outcomeAttributes = { ...attributes, 'nginx.cache.outcome': outcome };
      builder.add(M.cacheBytesRead, numberAt(stats, 'bytes', `${at}/${api}`), outcomeAttributes);
      builder.add(M.cacheResponses, numberAt(stats, 'responses', `${at}/${api}`), outcomeAttributes);
    }
    builder.add(M.cacheMemoryLimit, numberAt(cache, 'max_size', at), attributes);
    builder.add(M.cacheMemoryUsage, numberAt(cache, 'size', at), attributes);
  }
};

/** `/slabs`: pages (with their total and percentage used) and slots by size. */
export const recordSlabs: EndpointRecorder = (builder, data, path) => {
  for (const [name, slab] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    const attributes = { [ZONE]: name };
    const pages = objectAt(slab, 'pages', at);
    if (pages) {
      const used = numberAt(pages, 'used', `${at}/pages`);
      const free = numberAt(pages, 'free', `${at}/pages`);
      builder.add(M.slabPageFree, free, attributes);
      builder.add(M.slabPageUsage, used, attributes);
      if (used !== undefined && free !== undefined) {
        builder.add(M.slabPageLimit, used + free, attributes);
        if (used + free > 0) builder.add(M.slabPageUtilization, (used / (used + free)) * 100, attributes);
      }
    }
    const slots = objectAt(slab, 'slots', at);
    for (const [size, slot] of slots ? entriesOf(slots, `${at}/slots`) : []) {
      const slotPath = `${at}/slots/${size}`;
      const limit = Number(size);
      const slotAttributes = { ...attributes, 'nginx.slab.slot.limit': Number.isInteger(limit) ? limit : size };
      builder.add(M.slabSlotUsage, numberAt(slot, 'used', slotPath), slotAttributes);
      builder.add(M.slabSlotFree, numberAt(slot, 'free', slotPath), slotAttributes);
      builder.add(M.slabSlotAllocations, numberAt(slot, 'fails', slotPath), {
        ...slotAttributes,
        'nginx.slab.slot.allocation.result': 'FAILURE',
      });
      builder.add(M.slabSlotAllocations, numberAt(slot, 'reqs', slotPath), {
        ...slotAttributes,
        'nginx.slab.slot.allocation.result': 'SUCCESS',
      });
    }
  }
};

/** `/ssl`: handshakes (the detailed failure reasons from API 8) and certificate verify failures. */
export const recordSsl: EndpointRecorder = (builder, data, path) => {
  const ssl = asObject(data, path);
  const status = 'nginx.ssl.status';
  const reason = 'nginx.ssl.handshake.reason';
  builder.add(M.sslHandshakes, numberAt(ssl, 'handshakes', path));
  builder.add(M.sslHandshakes, numberAt(ssl, 'handshakes_failed', path), { [status]: 'FAILED' });
  builder.add(M.sslHandshakes, numberAt(ssl, 'session_reuses', path), { [status]: 'REUSE' });
  for (const [key, value] of [
    ['no_common_protocol', 'NO_COMMON_PROTOCOL'],
    ['no_common_cipher', 'NO_COMMON_CIPHER'],
    ['handshake_timeout', 'TIMEOUT'],
    ['peer_rejected_cert', 'CERT_REJECTED'],
  ] as const) {
    builder.add(M.sslHandshakes, numberAt(ssl, key, path), { [reason]: value, [status]: 'FAILED' });
  }
  const failures = objectAt(ssl, 'verify_failures', path);
  if (!failures) return;
  for (const [key, value] of [
    ['no_cert', 'NO_CERT'],
    ['expired_cert', 'EXPIRED_CERT'],
    ['revoked_cert', 'REVOKED_CERT'],
    ['hostname_mismatch', 'HOSTNAME_MISMATCH'],
    ['other', 'OTHER'],
  ] as const) {
    builder.add(M.sslVerifyFailures, numberAt(failures, key, `${path}/verify_failures`), {
      'nginx.ssl.verify_failure.reason': value,
    });
  }
};

/** `/stream/server_zones`. */
export const recordStreamServerZones: EndpointRecorder = (builder, data, path) => {
  for (const [name, zone] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    const attributes = { [ZONE]: name };
    builder.add(M.streamIo, numberAt(zone, 'received', at), { ...attributes, [DIRECTION]: 'receive' });
    builder.add(M.streamIo, numberAt(zone, 'sent', at), { ...attributes, [DIRECTION]: 'transmit' });
    builder.add(M.streamConnectionAccepted, numberAt(zone, 'connections', at), attributes);
    builder.add(M.streamConnectionDiscarded, numberAt(zone, 'discarded', at), attributes);
    builder.add(M.streamConnectionProcessingCount, numberAt(zone, 'processing', at), attributes);
    const sessions = objectAt(zone, 'sessions', at);
    if (!sessions) continue;
    builder.add(M.streamSessionStatus, numberAt(sessions, 'total', `${at}/sessions`), attributes);
    for (const range of ['2xx', '4xx', '5xx'] as const) {
      builder.add(M.streamSessionStatus, numberAt(sessions, range, `${at}/sessions`), {
        ...attributes,
        [STATUS_RANGE]: range,
      });
    }
  }
};

/** `/stream/upstreams`, with every peer. */
export const recordStreamUpstreams: EndpointRecorder = (builder, data, path) => {
  for (const [name, upstream] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    const attributes = upstreamAttributes(name, upstream, at);
    builder.add(M.streamZombieCount, numberAt(upstream, 'zombies', at), attributes);
    const states = new Map<string | undefined, number>();
    objectsAt(upstream, 'peers', at).forEach((peer, index) => {
      const peerPath = `${at}/peers/${index}`;
      const peerAttributesValue = peerAttributes(peer, attributes, peerPath);
      const io = (direction: string) => ({ ...peerAttributesValue, [DIRECTION]: direction });
      builder.add(M.streamPeerIo, numberAt(peer, 'received', peerPath), io('receive'));
      builder.add(M.streamPeerIo, numberAt(peer, 'sent', peerPath), io('transmit'));
      builder.add(M.streamPeerConnectionCount, numberAt(peer, 'active', peerPath), peerAttributesValue);
      builder.add(M.streamPeerConnectionTime, numberAt(peer, 'connect_time', peerPath), peerAttributesValue);
      builder.add(M.streamPeerConnections, numberAt(peer, 'connections', peerPath), peerAttributesValue);
      builder.add(M.streamPeerFails, numberAt(peer, 'fails', peerPath), peerAttributesValue);
      builder.add(M.streamPeerResponseTime, numberAt(peer, 'response_time', peerPath), peerAttributesValue);
      builder.add(M.streamPeerTtfbTime, numberAt(peer, 'first_byte_time', peerPath), peerAttributesValue);
      builder.add(M.streamPeerUnavailables, numberAt(peer, 'unavail', peerPath), peerAttributesValue);
      const state = recordPeerCommon(
        builder,
        peer,
        peerAttributesValue,
        peerPath,
        M.streamPeerState,
        M.streamPeerHealthChecks,
      );
      states.set(state, (states.get(state) ?? 0) + 1);
    });
    recordPeerCounts(builder, M.streamPeerCount, states, attributes);
  }
};

/** `/resolvers` (API 5+): requests by type and responses by outcome, per resolver zone. */
export const recordResolvers: EndpointRecorder = (builder, data, path) => {
  for (const [name, zone] of entriesOf(data, path)) {
    const at = `${path}/${name}`;
    const requests = objectAt(zone, 'requests', at) ?? {};
    for (const key of Object.keys(requests)) {
      builder.add(M.resolverRequests, numberAt(requests, key, `${at}/requests`), {
        [ZONE]: name,
        'nginx.resolver.request.type': key.toUpperCase(),
      });
    }
    const responses = objectAt(zone, 'responses', at) ?? {};
    for (const key of Object.keys(responses)) {
      builder.add(M.resolverResponses, numberAt(responses, key, `${at}/responses`), {
        [ZONE]: name,
        'nginx.resolver.response.outcome': key.toUpperCase(),
      });
    }
  }
};
