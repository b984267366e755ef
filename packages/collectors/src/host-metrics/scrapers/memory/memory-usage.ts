import type { Meminfo } from './parse-meminfo.ts';

/**
 * How `used` is computed. `total_minus_available` is the contrib receiver's default since v0.137.0
 * (feature gate `receiver.hostmetricsreceiver.UseLinuxMemAvailable`, beta); the other is its
 * earlier rule, and gopsutil's before v4.25.8.
 */
export type UsedCalculation = 'total_minus_available' | 'total_minus_free_buffers_cached';

/** The used calculations, default first. */
export const USED_CALCULATIONS = ['total_minus_available', 'total_minus_free_buffers_cached'] as const;

/** Memory sizes in bytes, with the meaning gopsutil's `VirtualMemoryStat` gives them. */
export interface MemoryUsage {
  total: number;
  free: number;
  /** `Buffers`. */
  buffered: number;
  /** `Cached` plus `SReclaimable`: gopsutil adds the reclaimable slab to the page cache. */
  cached: number;
  /** `SReclaimable`; undefined before kernel 2.6.19, which does not print it. */
  slabReclaimable: number | undefined;
  /** `SUnreclaim`; undefined before kernel 2.6.19. */
  slabUnreclaimable: number | undefined;
  /** `MemAvailable`, or `free + cached` before kernel 3.14, which does not print it. */
  available: number;
  /** True when `available` is that estimate rather than the kernel's figure. */
  availableEstimated: boolean;
  used: number;
}

/** Derives the memory states of the contrib receiver from parsed `/proc/meminfo` fields. */
export function computeMemoryUsage(
  meminfo: Meminfo,
  calculation: UsedCalculation = 'total_minus_available',
): MemoryUsage {
  const total = meminfo['MemTotal'];
  if (total === undefined || total <= 0) throw new Error('MemTotal is missing or zero in /proc/meminfo.');
  const free = meminfo['MemFree'] ?? 0;
  const buffered = meminfo['Buffers'] ?? 0;
  const slabReclaimable = meminfo['SReclaimable'];
  const cached = (meminfo['Cached'] ?? 0) + (slabReclaimable ?? 0);
  const kernelAvailable = meminfo['MemAvailable'];
  // gopsutil estimates from /proc/zoneinfo watermarks when Active(file) and Inactive(file) exist
  // (kernels 2.6.28 to 3.13); this keeps its simpler fallback, free + cached, for every old kernel.
  const available = kernelAvailable ?? free + cached;
  const used = calculation === 'total_minus_available' ? total - available : total - free - buffered - cached;
  return {
    total,
    free,
    buffered,
    cached,
    slabReclaimable,
    slabUnreclaimable: meminfo['SUnreclaim'],
    available,
    availableEstimated: kernelAvailable === undefined,
    // gopsutil's unsigned arithmetic would wrap around; a negative size means nothing, so clamp it.
    used: Math.max(0, used),
  };
}
