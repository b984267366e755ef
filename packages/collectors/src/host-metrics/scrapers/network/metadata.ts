import { s } from '@wasmpipe/core';
import { filterOption } from '../../filter.ts';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

const counter = <const N extends string>(name: N, description: string, unit: string) =>
  ({
    name,
    description,
    unit,
    type: 'cumulative_sum',
    monotonic: true,
    isInteger: true,
    enabledByDefault: true,
  }) as const;

const level = <const N extends string>(name: N, description: string, unit: string, enabledByDefault: boolean) =>
  ({
    name,
    description,
    unit,
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault,
  }) as const;

/** The metrics of the network scraper, named and shaped as the contrib hostmetrics receiver's. */
export const NETWORK_METRICS = {
  packets: counter('system.network.packets', 'The number of packets transferred.', '{packets}'),
  dropped: counter('system.network.dropped', 'The number of packets dropped.', '{packets}'),
  errors: counter('system.network.errors', 'The number of errors encountered.', '{errors}'),
  io: counter('system.network.io', 'The number of bytes transmitted and received.', 'By'),
  // Off by default, unlike contrib: each read of /proc/net/tcp or tcp6 walks the kernel's whole
  // TCP hash table (262,144 buckets on this 24 GB VM) plus every socket: 40 ms of kernel CPU per
  // scrape here with 22,670 sockets in TIME_WAIT, 13 ms for an empty tcp6 table.
  connections: level('system.network.connections', 'The number of TCP connections by state.', '{connections}', false),
  conntrackCount: level(
    'system.network.conntrack.count',
    'The count of entries in the conntrack table.',
    '{entries}',
    false,
  ),
  conntrackMax: level(
    'system.network.conntrack.max',
    'The limit for entries in the conntrack table.',
    '{entries}',
    false,
  ),
} as const satisfies Record<string, MetricDescriptor>;

/** The config of the network scraper. */
export const networkScraperConfig = s
  .object({
    metrics: metricsOption(NETWORK_METRICS),
    include: filterOption('interfaces').optional().describe('Only these interfaces (names as in /proc/net/dev).'),
    exclude: filterOption('interfaces')
      .default({ interfaces: ['lo'], match_type: 'strict' })
      .describe('Leave these interfaces out; the loopback by default.'),
  })
  .describe('Interface counters from /proc/net/dev, TCP connections from /proc/net/tcp and tcp6, conntrack.');
