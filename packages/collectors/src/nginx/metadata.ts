import type { MetricDescriptor, MetricsBuilder } from '../nginx-shared/metrics-builder.ts';
import type { StubStatus } from './parse-stub-status.ts';

/** The up/down signal, under both namings: 1 when the last scrape read the page, 0 when it failed. */
export const NGINX_UP: MetricDescriptor = {
  name: 'nginx.up',
  description: 'Whether the last scrape of the stub_status page succeeded (1) or failed (0).',
  unit: '1',
  kind: 'gauge',
  isInteger: true,
};

/** The NGINX Agent v3 `nginx` receiver's metrics (its metadata.yaml). */
export const AGENT_METRICS = {
  connections: {
    name: 'nginx.http.connections',
    description: 'The total number of connections, since NGINX was last started or reloaded.',
    unit: 'connections',
    kind: 'counter',
    isInteger: true,
  },
  connectionCount: {
    name: 'nginx.http.connection.count',
    description: 'The current number of connections.',
    unit: 'connections',
    kind: 'gauge',
    isInteger: true,
  },
  requests: {
    name: 'nginx.http.requests',
    description: 'The total number of client requests received, since NGINX was last started or reloaded.',
    unit: 'requests',
    kind: 'counter',
    isInteger: true,
  },
  requestCount: {
    name: 'nginx.http.request.count',
    description: 'The total number of client requests received, since the last collection interval.',
    unit: 'requests',
    kind: 'gauge',
    isInteger: true,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The OpenTelemetry Collector contrib `nginx` receiver's metrics (its metadata.yaml). */
export const CONTRIB_METRICS = {
  requests: {
    name: 'nginx.requests',
    description: 'Total number of requests made to the server since it started',
    unit: 'requests',
    kind: 'counter',
    isInteger: true,
  },
  connectionsAccepted: {
    name: 'nginx.connections_accepted',
    description: 'The total number of accepted client connections',
    unit: 'connections',
    kind: 'counter',
    isInteger: true,
  },
  connectionsHandled: {
    name: 'nginx.connections_handled',
    description:
      'The total number of handled connections. Generally, the parameter value is the same as nginx.connections_accepted unless some resource limits have been reached (for example, the worker_connections limit).',
    unit: 'connections',
    kind: 'counter',
    isInteger: true,
  },
  connectionsCurrent: {
    name: 'nginx.connections_current',
    description: 'The current number of nginx connections by state',
    unit: 'connections',
    kind: 'updown',
    isInteger: true,
  },
} as const satisfies Record<string, MetricDescriptor>;

/** The attribute of the Agent's connection metrics. */
export const OUTCOME = 'nginx.connections.outcome';

/**
 * Adds one stub_status reading under the NGINX Agent v3 names; `nginx.http.request.count` is the
 * increase since the previous scrape, so there is none at the first.
 */
export function addAgentMetrics(builder: MetricsBuilder, status: StubStatus): void {
  builder.add(AGENT_METRICS.connections, status.accepted, { [OUTCOME]: 'ACCEPTED' });
  builder.add(AGENT_METRICS.connections, status.handled, { [OUTCOME]: 'HANDLED' });
  builder.add(AGENT_METRICS.connectionCount, status.active, { [OUTCOME]: 'ACTIVE' });
  builder.add(AGENT_METRICS.connectionCount, status.reading, { [OUTCOME]: 'READING' });
  builder.add(AGENT_METRICS.connectionCount, status.writing, { [OUTCOME]: 'WRITING' });
  builder.add(AGENT_METRICS.connectionCount, status.waiting, { [OUTCOME]: 'WAITING' });
  builder.add(AGENT_METRICS.requests, status.requests);
  builder.addIncrease(AGENT_METRICS.requestCount, status.requests);
}

/** Adds one stub_status reading under the contrib nginx receiver's names. */
export function addContribMetrics(builder: MetricsBuilder, status: StubStatus): void {
  builder.add(CONTRIB_METRICS.requests, status.requests);
  builder.add(CONTRIB_METRICS.connectionsAccepted, status.accepted);
  builder.add(CONTRIB_METRICS.connectionsHandled, status.handled);
  builder.add(CONTRIB_METRICS.connectionsCurrent, status.active, { state: 'active' });
  builder.add(CONTRIB_METRICS.connectionsCurrent, status.reading, { state: 'reading' });
  builder.add(CONTRIB_METRICS.connectionsCurrent, status.writing, { state: 'writing' });
  builder.add(CONTRIB_METRICS.connectionsCurrent, status.waiting, { state: 'waiting' });
}
