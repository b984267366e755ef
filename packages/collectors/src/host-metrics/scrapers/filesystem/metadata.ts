import { s } from '@wasmpipe/core';
import { filterOption } from '../../filter.ts';
import { type MetricDescriptor, metricsOption } from '../../metric-builders.ts';

/** The metrics of the filesystem scraper, named and shaped as the contrib hostmetrics receiver's. */
export const FILESYSTEM_METRICS = {
  usage: {
    name: 'system.filesystem.usage',
    description: 'Filesystem bytes used, free (for unprivileged users) and reserved (for root).',
    unit: 'By',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: true,
  },
  inodesUsage: {
    name: 'system.filesystem.inodes.usage',
    description: 'Filesystem inodes used and free.',
    unit: '{inodes}',
    type: 'cumulative_sum',
    monotonic: false,
    isInteger: true,
    enabledByDefault: true,
  },
  utilization: {
    name: 'system.filesystem.utilization',
    description: 'Fraction of the filesystem bytes available to users that are used, as df shows it.',
    unit: '1',
    type: 'gauge',
    isInteger: false,
    enabledByDefault: false,
  },
} as const satisfies Record<string, MetricDescriptor>;

/**
 * File system types that hold no user data (kernel interfaces, memory-backed scratch space,
 * read-only snap images), left out unless `include_virtual_filesystems` is true. `overlay` is not
 * among them: it is the root file system of a container.
 */
export const VIRTUAL_FILESYSTEM_TYPES: readonly string[] = [
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fuse.gvfsd-fuse',
  'fuse.lxcfs',
  'fuse.portal',
  'fusectl',
  'hugetlbfs',
  'mqueue',
  'nfsd',
  'nsfs',
  'proc',
  'procfs',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'sysfs',
  'tmpfs',
  'tracefs',
];

/** The config of the filesystem scraper; option names as in the contrib receiver. */
export const filesystemScraperConfig = s
  .object({
    metrics: metricsOption(FILESYSTEM_METRICS),
    include_devices: filterOption('devices').optional().describe('Only file systems on these devices (mount sources).'),
    exclude_devices: filterOption('devices').optional().describe('Leave file systems on these devices out.'),
    include_fs_types: filterOption('fs_types').optional().describe('Only these file system types.'),
    exclude_fs_types: filterOption('fs_types').optional().describe('Leave these file system types out.'),
    include_mount_points: filterOption('mount_points').optional().describe('Only these mount points.'),
    exclude_mount_points: filterOption('mount_points').optional().describe('Leave these mount points out.'),
    include_virtual_filesystems: s
      .boolean()
      .default(false)
      .describe('Also report pseudo and memory file systems (proc, sysfs, tmpfs, cgroup...).'),
    statfs_timeout: s
      .duration({ min: 1 })
      .default('5s')
      .describe('How long to wait for one statfs; a hung network mount is skipped after it.'),
  })
  .describe('Space and inodes of mounted file systems, from mountinfo and statfs.');
