/**
 * The fields of `/proc/meminfo` by name (`MemTotal`, `SReclaimable`, `HugePages_Total`...).
 * Sizes the kernel prints in kB are converted to bytes (1 kB there is 1024 bytes); counts without
 * a unit (`HugePages_*`) are kept as they are. A field the kernel does not print is absent.
 */
export type Meminfo = Readonly<Record<string, number>>;

const LINE = /^([^:\s]+):\s*(\d+)(?:\s+(kB))?\s*$/;

/** Parses the text of `/proc/meminfo`; lines that are not `Name: value [kB]` are an error. */
export function parseMeminfo(text: string): Meminfo {
  const fields: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`Unexpected line in /proc/meminfo: "${line}".`);
    const value = Number(match[2]);
    fields[match[1] as string] = match[3] === 'kB' ? value * 1024 : value;
  }
  return fields;
}
