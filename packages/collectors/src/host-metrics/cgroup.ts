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
