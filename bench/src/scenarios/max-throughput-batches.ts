// The input shapes of the maximum-throughput scenario, each built before timing, with the processor
// configs that make every stage of the chain do real work on it:
// - `testbed`: what the OTLP receiver hands on for the Collector's Metric10kDPS load (100 gauges of
//   7 points, `item_index` and `batch_index` on every point), also at other sizes for the plot;
// - `host`: a 16-CPU host's host_metrics scrape (284 points, `cpu` and `state` attributes);
// - `nginx`: an NGINX Plus scrape of 4 server zones and 3 upstreams of 4 peers (214 points).
import type { Attributes, Metric, MetricsBatch, NumberDataPoint } from '@wasmpipe/core';

/** One input shape: how to build a batch, and the filter and transform configs for it. */
export interface BatchShape {
  name: string;
  description: string;
  /** A fresh batch (a processor may change what it is given). */
  make(): MetricsBatch;
  filter: { exclude: string[] };
  transform: { rename_attributes: Record<string, string>; convert_units?: { from: string; to: string }[] };
}

/** Shared by every shape: a resource attribute and a data point attribute. */
export const ENRICH = { resource: { 'deployment.environment': 'production' }, attributes: { team: 'web' } };

const T0 = 1_700_000_000_000_000_000n;
const T1 = T0 + 10_000_000_000n;
const POINTS_PER_TESTBED_METRIC = 7;

const point = (attributes: Attributes, value: number, isInteger = false): NumberDataPoint => ({
  attributes,
  startTimeUnixNano: T0,
  timeUnixNano: T1,
  value,
  ...(isInteger ? { isInteger: true } : {}),
});

/**
 * The load generator's batch of the Collector's testbed (`perfTestDataProvider.GenerateMetrics`):
 * gauges `load_generator_<i>` of 7 integer points each, `item_index` and `batch_index` attributes,
 * `points` points in all (the last metric takes the remainder).
 */
export function testbedBatch(points: number, batchIndex = 1): MetricsBatch {
  const metrics: Metric[] = [];
  for (let first = 0; first < points; first += POINTS_PER_TESTBED_METRIC) {
    const index = metrics.length;
    const count = Math.min(POINTS_PER_TESTBED_METRIC, points - first);
    const dataPoints = Array.from({ length: count }, (_, item) =>
      point({ item_index: `item_${item}`, batch_index: `batch_${batchIndex + index}` }, first + item, true),
    );
    metrics.push({
      name: `load_generator_${index}`,
      description: `Load Generator Counter #${index}`,
      unit: '1',
      data: { type: 'gauge', dataPoints },
    });
  }
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'load-generator', 'host.name': 'loadgen-1' } },
        scopeMetrics: [{ scope: { name: 'testbed', version: '1.0.0' }, metrics }],
      },
    ],
  };
}

/** A 16-CPU host's scrape: cpu time and utilization by state, memory, disk and network I/O. */
function hostBatch(): MetricsBatch {
  const cpu: Attributes[] = [];
  for (let index = 0; index < 16; index++)
    for (const state of ['user', 'system', 'idle', 'nice', 'wait', 'interrupt', 'softirq', 'steal'])
      cpu.push({ cpu: `cpu${index}`, state });
  const memory = ['used', 'free', 'buffered', 'cached', 'slab_reclaimable', 'slab_unreclaimable'].map((state) => ({
    state,
  }));
  const devices = ['sda', 'sdb', 'eth0', 'eth1'].flatMap((device) =>
    ['read', 'write'].map((direction) => ({ device, direction })),
  );
  let value = 0;
  const sum = (name: string, unit: string, attributes: Attributes[], integer: boolean): Metric => ({
    name,
    unit,
    data: {
      type: 'sum',
      aggregationTemporality: 'cumulative',
      isMonotonic: name !== 'system.memory.usage',
      dataPoints: attributes.map((item) =>
        point({ ...item }, integer ? 1024 * ++value : (++value * 1.37) % 1e6, integer),
      ),
    },
  });
  const gauge = (name: string, attributes: Attributes[]): Metric => ({
    name,
    unit: '1',
    data: { type: 'gauge', dataPoints: attributes.map((item) => point({ ...item }, (++value % 100) / 100)) },
  });
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': 'web-1', 'os.type': 'linux' } },
        scopeMetrics: [
          {
            scope: { name: '@wasmpipe/collectors/host_metrics', version: '0.1.0' },
            metrics: [
              sum('system.cpu.time', 's', cpu, false),
              gauge('system.cpu.utilization', cpu),
              sum('system.memory.usage', 'By', memory, true),
              gauge('system.memory.utilization', memory),
              sum('system.disk.io', 'By', devices, true),
              sum('system.network.io', 'By', devices, true),
            ],
          },
        ],
      },
    ],
  };
}

/** An NGINX Plus scrape: server zones by status range, upstream peers, connections, SSL, slabs. */
function nginxBatch(): MetricsBatch {
  let value = 0;
  const sum = (name: string, unit: string, attributes: Attributes[]): Metric => ({
    name,
    unit,
    data: {
      type: 'sum',
      aggregationTemporality: 'cumulative',
      isMonotonic: true,
      dataPoints: attributes.map((item) => point({ ...item }, ++value * 17, true)),
    },
  });
  const gauge = (name: string, unit: string, attributes: Attributes[]): Metric => ({
    name,
    unit,
    data: { type: 'gauge', dataPoints: attributes.map((item) => point({ ...item }, ++value % 977, true)) },
  });
  const zones = ['api', 'www', 'static', 'admin'].map((zone) => ({
    'nginx.zone.name': zone,
    'nginx.zone.type': 'SERVER',
  }));
  const ranges = zones.flatMap((zone) =>
    ['1xx', '2xx', '3xx', '4xx', '5xx'].map((range) => ({ ...zone, 'nginx.status_range': range })),
  );
  const directions = zones.flatMap((zone) =>
    ['receive', 'transmit'].map((direction) => ({ ...zone, 'nginx.io.direction': direction })),
  );
  const peers = ['checkout', 'cart', 'search'].flatMap((upstream) =>
    [1, 2, 3, 4].map((peer) => ({
      'nginx.upstream.name': upstream,
      'nginx.peer.address': `10.0.${upstream.length}.${peer}:8080`,
      'nginx.peer.name': `${upstream}-${peer}.internal:8080`,
      'nginx.zone.name': `${upstream}-zone`,
    })),
  );
  const peerRanges = peers.flatMap((peer) =>
    ['1xx', '2xx', '3xx', '4xx', '5xx'].map((range) => ({ ...peer, 'nginx.status_range': range })),
  );
  const peerDirections = peers.flatMap((peer) =>
    ['receive', 'transmit'].map((direction) => ({ ...peer, 'nginx.io.direction': direction })),
  );
  const states = ['accepted', 'active', 'dropped', 'idle'].map((outcome) => ({ 'nginx.connections.outcome': outcome }));
  const slabs = ['8', '16', '32', '64', '128'].map((slot) => ({
    'nginx.slab.slot.limit': slot,
    'nginx.zone.name': 'shared',
  }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: { 'host.name': 'edge-1', 'nginx.version': '1.27.2', 'instance.id': 'plus-1' } },
        scopeMetrics: [
          {
            scope: { name: '@wasmpipe/collectors/nginx_plus', version: '0.1.0' },
            metrics: [
              gauge('nginx.http.connection.count', '{connection}', states),
              sum('nginx.http.requests', '{request}', zones),
              sum('nginx.http.response.status', '{response}', ranges),
              sum('nginx.http.request.io', 'By', directions),
              sum('nginx.http.request.discarded', '{request}', zones),
              gauge('nginx.http.request.processing.count', '{request}', zones),
              sum('nginx.http.upstream.peer.requests', '{request}', peers),
              sum('nginx.http.upstream.peer.responses', '{response}', peerRanges),
              sum('nginx.http.upstream.peer.io', 'By', peerDirections),
              gauge('nginx.http.upstream.peer.connection.count', '{connection}', peers),
              gauge('nginx.http.upstream.peer.response.time', 'ms', peers),
              gauge('nginx.http.upstream.peer.header.time', 'ms', peers),
              sum('nginx.http.upstream.peer.fails', '{attempt}', peers),
              gauge('nginx.http.upstream.peer.state', '{state}', peers),
              sum('nginx.ssl.handshakes', '{handshake}', zones),
              gauge('nginx.slab.slot.usage', '{slot}', slabs),
              sum('nginx.slab.slot.allocations', '{allocation}', slabs),
            ],
          },
        ],
      },
    ],
  };
}

/** The shapes scenario 3 reports, in order. */
export const SHAPES: BatchShape[] = [
  {
    name: 'testbed',
    description: 'Metric10kDPS batch: 100 gauges x 7 points',
    make: () => testbedBatch(700),
    // A tenth of the metrics (load_generator_9, 19, ..., 99).
    filter: { exclude: ['load_generator_*9'] },
    transform: { rename_attributes: { item_index: 'item' } },
  },
  {
    name: 'host',
    description: 'host_metrics of a 16-CPU host, 284 points',
    make: hostBatch,
    filter: { exclude: ['system.cpu.utilization'] },
    transform: { rename_attributes: { state: 'system.state' }, convert_units: [{ from: 'By', to: 'KiBy' }] },
  },
  {
    name: 'nginx',
    description: 'NGINX Plus scrape, 4 zones and 12 upstream peers, 214 points',
    make: nginxBatch,
    filter: { exclude: ['nginx.slab.*', 'nginx.http.upstream.peer.header.time'] },
    transform: {
      rename_attributes: { 'nginx.peer.address': 'server.address' },
      convert_units: [{ from: 'ms', to: 's' }],
    },
  },
];

/** The testbed shape at another size, for the throughput-against-batch-size plot. */
export function testbedShape(points: number): BatchShape {
  const base = SHAPES[0] as BatchShape;
  return { ...base, name: `testbed-${points}`, description: `${points} points`, make: () => testbedBatch(points) };
}

/** The data points in a batch (reads the tree). */
export function pointsIn(batch: MetricsBatch): number {
  let points = 0;
  for (const resourceMetrics of batch.resourceMetrics)
    for (const scopeMetrics of resourceMetrics.scopeMetrics)
      for (const metric of scopeMetrics.metrics) points += metric.data.dataPoints.length;
  return points;
}
