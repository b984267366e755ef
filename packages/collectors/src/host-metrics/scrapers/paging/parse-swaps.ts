import { unescapeOctal } from '../../octal-escapes.ts';

/** One swap area of `/proc/swaps`, sizes in bytes. */
export interface SwapArea {
  /** The device or file, e.g. `/dev/vda2` or `/swapfile`. */
  device: string;
  type: string;
  sizeBytes: number;
  usedBytes: number;
  priority: number;
}

/** Parses `/proc/swaps` (sizes in KiB there); a host without swap has only the header line. */
export function parseSwaps(text: string): SwapArea[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.trim().split(/\s+/) ?? [];
  if (header[0] !== 'Filename' || header[2] !== 'Size' || header[3] !== 'Used') {
    throw new Error(`Unexpected header in /proc/swaps: "${lines[0] ?? ''}".`);
  }
  return lines.slice(1).map((line) => {
    const fields = line.trim().split(/\s+/);
    const [device, type, size, used, priority] = fields;
    const badPriority = priority !== undefined && !/^-?\d+$/.test(priority);
    if (fields.length < 4 || !/^\d+$/.test(size ?? '') || !/^\d+$/.test(used ?? '') || badPriority) {
      throw new Error(`Unexpected line in /proc/swaps: "${line}".`);
    }
    return {
      device: unescapeOctal(device as string),
      type: type as string,
      sizeBytes: Number(size) * 1024,
      usedBytes: Number(used) * 1024,
      priority: Number(priority ?? 0),
    };
  });
}
