/**
 * The counters of one block device from `/proc/diskstats` (the kernel's
 * Documentation/admin-guide/iostats.rst). Times are in milliseconds, sizes in 512-byte sectors
 * whatever the device's own sector size. Fields a kernel does not print (discards before 4.18,
 * flushes before 5.5) are absent.
 */
export interface DiskStats {
  major: number;
  minor: number;
  device: string;
  readsCompleted: number;
  readsMerged: number;
  sectorsRead: number;
  readMillis: number;
  writesCompleted: number;
  writesMerged: number;
  sectorsWritten: number;
  writeMillis: number;
  /** I/Os in flight now: the only field that is not a counter. */
  inProgress: number;
  ioMillis: number;
  weightedIoMillis: number;
  discardsCompleted?: number;
  discardsMerged?: number;
  sectorsDiscarded?: number;
  discardMillis?: number;
  flushesCompleted?: number;
  flushMillis?: number;
}

/** `/proc/diskstats` counts sectors of 512 bytes on every device (block/genhd.c). */
export const DISKSTATS_SECTOR_BYTES = 512;

const BASE_FIELDS = [
  'readsCompleted',
  'readsMerged',
  'sectorsRead',
  'readMillis',
  'writesCompleted',
  'writesMerged',
  'sectorsWritten',
  'writeMillis',
  'inProgress',
  'ioMillis',
  'weightedIoMillis',
] as const;
const LATER_FIELDS = [
  'discardsCompleted',
  'discardsMerged',
  'sectorsDiscarded',
  'discardMillis',
  'flushesCompleted',
  'flushMillis',
] as const;

/** Parses `/proc/diskstats`: one line per device and partition, in the kernel's order. */
export function parseDiskstats(text: string): DiskStats[] {
  const devices: DiskStats[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    // Kernels before 2.6.25 printed only 4 counters for partitions; those are not supported.
    if (fields.length < 14) throw new Error(`Too few fields in /proc/diskstats: "${line.trim()}".`);
    const numbers = fields.map((field, index) => {
      if (index === 2) return 0;
      if (!/^\d+$/.test(field))
        throw new Error(`Expected a number in /proc/diskstats, got "${field}" in "${line.trim()}".`);
      return Number(field);
    });
    const stats = { major: numbers[0], minor: numbers[1], device: fields[2] } as DiskStats;
    BASE_FIELDS.forEach((name, index) => {
      stats[name] = numbers[3 + index] as number;
    });
    LATER_FIELDS.forEach((name, index) => {
      const value = numbers[14 + index];
      if (value !== undefined) stats[name] = value;
    });
    devices.push(stats);
  }
  return devices;
}
