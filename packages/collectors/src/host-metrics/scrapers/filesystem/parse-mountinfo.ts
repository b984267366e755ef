import { unescapeOctal } from '../../octal-escapes.ts';

/** One mount from `/proc/<pid>/mountinfo` (proc(5)). */
export interface Mount {
  /** The mount source: a device (`/dev/sda1`), or a name (`tmpfs`, `overlay`, `server:/export`). */
  device: string;
  mountPoint: string;
  type: string;
  /** `ro` or `rw`, from the per-mount options. */
  mode: string;
  /** `major:minor` of the file system's device. */
  deviceNumber: string;
}

/**
 * Parses `/proc/<pid>/mountinfo`:
 * `36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue`.
 * The optional fields before ` - ` vary in number; paths are octal-escaped.
 */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (fields.length < 10 || separator < 0 || fields.length < separator + 3) {
      throw new Error(`Unexpected line in mountinfo: "${line}".`);
    }
    const options = (fields[5] as string).split(',');
    mounts.push({
      device: unescapeOctal(fields[separator + 2] as string),
      mountPoint: unescapeOctal(fields[4] as string),
      type: fields[separator + 1] as string,
      mode: options.includes('ro') ? 'ro' : 'rw',
      deviceNumber: fields[2] as string,
    });
  }
  return mounts;
}
