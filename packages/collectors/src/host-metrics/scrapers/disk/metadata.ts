import { s } from '@wasmpipe/core';
import { filterOption } from '../../filter.ts';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

const counter = <const N extends string>(name: N, description: string, unit: string, isInteger: boolean) =>
  ({
    name,
    description,
    unit,
    type: 'cumulative_sum',
    monotonic: true,
    isInteger,
    enabledByDefault: true,
  }) as const;

/** The metrics of the disk scraper, named and shaped as the contrib hostmetrics receiver's. */
export const DISK_METRICS = {
  io: counter('system.disk.io', 'Disk bytes transferred.', 'By', true),
  operations: counter('system.disk.operations', 'Disk operations count.', '{operations}', true),
  ioTime: counter('system.disk.io_time', 'Time the disk spent activated.', 's', false),
  operationTime: counter('system.disk.operation_time', 'Time spent in disk operations.', 's', false),
  weightedIoTime: counter(
    'system.disk.weighted_io_time',
    'Time the disk spent activated multiplied by the queue length.',
    's',
    false,
  ),
  pendingOperations: {
    name: 'system.disk.pending_operations',
    description: 'The queue size of pending I/O operations.',
    unit: '{operations}',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: true,
  },
  merged: counter(
    'system.disk.merged',
    'The number of disk reads/writes merged into single physical disk access operations.',
    '{operations}',
    true,
  ),
} as const satisfies Record<string, MetricDescriptor>;

/** Loop and RAM disks, left out unless `exclude` is set: they are rarely what anyone watches. */
export const DEFAULT_DISK_EXCLUDE = { devices: ['^(loop|ram)\\d+$'], match_type: 'regexp' as const };

/** The config of the disk scraper. */
export const diskScraperConfig = s
  .object({
    metrics: metricsOption(DISK_METRICS),
    include: filterOption('devices').optional().describe('Only these devices (names as in /proc/diskstats).'),
    exclude: filterOption('devices').default(DEFAULT_DISK_EXCLUDE).describe('Leave these devices out.'),
  })
  .describe('Block device I/O from /proc/diskstats.');
