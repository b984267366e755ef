// cgroup v2 files, for a collector that runs inside a container (or a systemd unit with limits).
// See the kernel's Documentation/admin-guide/cgroup-v2.rst.
import type { HostFiles } from './host-files.ts';

/** The cgroup v2 path of the process, from the `0::<path>` line of `/proc/self/cgroup`. */
export function parseCgroupV2Path(text: string): string | undefined {
  for (const line of text.split('\n')) if (line.startsWith('0::')) return line.slice(3).trim();
  return undefined;
}

/** `memory.max`: bytes, or undefined for `max` (no limit). */
export function parseMemoryMax(text: string): number | undefined {
  const value = text.trim();
  if (value === 'max') return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`Unexpected memory.max: "${value}".`);
  return Number(value);
}

/** `cpu.max`: `$QUOTA $PERIOD` in µs; the limit in CPUs, or undefined for `max` (no limit). */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === 'max') return undefined;
  if (!/^\d+$/.test(quota ?? '') || !/^\d+$/.test(period ?? '') || Number(period) === 0) {
    throw new Error(`Unexpected cpu.max: "${text.trim()}".`);
  }
  return Number(quota) / Number(period);
}

/** A flat-keyed cgroup file (`cpu.stat`, `memory.stat`): `key value` per line. */
export function parseFlatKeyed(text: string, file: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || !/^\d+$/.test(value ?? '')) throw new Error(`Unexpected line in ${file}: "${line}".`);
    values[key] = Number(value);
  }
  return values;
}

/**
 * Where the process's own cgroup v2 directory is: `/sys/fs/cgroup` plus its path (inside a
 * container with a cgroup namespace the path is `/` and the directory is the container's own
 * cgroup). Undefined on a cgroup v1 host or when the files cannot be read.
 */
export function findOwnCgroup(files: HostFiles): string | undefined {
  try {
    const path = parseCgroupV2Path(files.readText('/proc/self/cgroup'));
    if (path === undefined) return undefined;
    const directory = `/sys/fs/cgroup${path === '/' ? '' : path}`;
    files.readText(`${directory}/cgroup.controllers`);
    return directory;
  } catch {
    return undefined;
  }
}

/** The memory limit of a cgroup in bytes, or undefined when it has none (or no memory.max file). */
export function readMemoryLimit(files: HostFiles, directory: string): number | undefined {
  try {
    return parseMemoryMax(files.readText(`${directory}/memory.max`));
  } catch {
    return undefined;
  }
}

/** The CPU limit of a cgroup in CPUs (`cpu.max` quota over period), or undefined when it has none. */
export function readCpuLimit(files: HostFiles, directory: string): number | undefined {
  try {
    return parseCpuMax(files.readText(`${directory}/cpu.max`));
  } catch {
    return undefined;
  }
}

/** Memory of a cgroup with a limit, with the states Agent v2 reported for a container. */
export interface CgroupMemory {
  /** `memory.max`, or the host's MemTotal when that is smaller. */
  limit: number;
  /** `memory.current` minus the page cache (`file` of memory.stat). */
  used: number;
  /** The page cache charged to the cgroup (`file`). */
  cached: number;
  /** `limit - memory.current`, never below 0: used + cached + free = limit. */
  free: number;
}

/** Computes the memory states of a cgroup from `memory.max`, `memory.current` and `memory.stat`. */
export function cgroupMemory(
  memoryMax: number,
  current: number,
  stat: Record<string, number>,
  hostTotal: number,
): CgroupMemory {
  const limit = Math.min(memoryMax, hostTotal);
  const cached = Math.min(stat['file'] ?? 0, current);
  return { limit, used: current - cached, cached, free: Math.max(0, limit - current) };
}

/** Reads the memory of a cgroup that has a memory limit; undefined when it has none. */
export function readCgroupMemory(files: HostFiles, directory: string, hostTotal: number): CgroupMemory | undefined {
  const memoryMax = readMemoryLimit(files, directory);
  if (memoryMax === undefined) return undefined;
  const current = Number(files.readText(`${directory}/memory.current`).trim());
  const stat = parseFlatKeyed(files.readText(`${directory}/memory.stat`), 'memory.stat');
  return cgroupMemory(memoryMax, current, stat, hostTotal);
}

/** CPU time of a cgroup from `cpu.stat`, in seconds. */
export interface CgroupCpuTimes {
  user: number;
  system: number;
}

/** Reads `cpu.stat` of a cgroup: `user_usec` and `system_usec` as seconds. */
export function readCgroupCpuTimes(files: HostFiles, directory: string): CgroupCpuTimes {
  const stat = parseFlatKeyed(files.readText(`${directory}/cpu.stat`), 'cpu.stat');
  const user = stat['user_usec'];
  const system = stat['system_usec'];
  if (user === undefined || system === undefined)
    throw new Error(`No user_usec or system_usec in ${directory}/cpu.stat.`);
  return { user: user / 1e6, system: system / 1e6 };
}

/**
 * The fraction of a CPU limit a cgroup used between two readings `elapsedSeconds` apart: 1 means
 * it used all `limitCpus` CPUs the whole time (Agent v2 reported this as a percentage).
 */
export function cgroupCpuUtilization(
  before: CgroupCpuTimes,
  after: CgroupCpuTimes,
  elapsedSeconds: number,
  limitCpus: number,
): CgroupCpuTimes {
  const capacity = elapsedSeconds * limitCpus;
  if (capacity <= 0) return { user: 0, system: 0 };
  return { user: (after.user - before.user) / capacity, system: (after.system - before.system) / capacity };
}
