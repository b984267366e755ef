/** The fields wasmpipe uses from `/proc/<pid>/status`; sizes in bytes. Kernel threads lack the Vm ones. */
export interface PidStatus {
  name: string;
  /** The real user id. */
  uid: number;
  rssBytes?: number;
  virtualBytes?: number;
  threads?: number;
  voluntaryContextSwitches?: number;
  involuntaryContextSwitches?: number;
}

/** Parses `/proc/<pid>/status`: `Key:\tvalue` lines, sizes in kB (1024 bytes). */
export function parsePidStatus(text: string): PidStatus {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  const name = fields.get('Name');
  const uid = fields.get('Uid')?.split(/\s+/)[0];
  if (name === undefined || uid === undefined || !/^\d+$/.test(uid)) {
    throw new Error('Unexpected /proc/<pid>/status: no Name or Uid line.');
  }
  const number = (key: string): number | undefined => {
    const value = fields.get(key);
    if (value === undefined) return undefined;
    const match = /^(\d+)(?:\s+kB)?$/.exec(value);
    if (!match) throw new Error(`Unexpected ${key} in /proc/<pid>/status: "${value}".`);
    return value.endsWith('kB') ? Number(match[1]) * 1024 : Number(match[1]);
  };
  const status: PidStatus = { name, uid: Number(uid) };
  const optional: Array<[keyof PidStatus, string]> = [
    ['rssBytes', 'VmRSS'],
    ['virtualBytes', 'VmSize'],
    ['threads', 'Threads'],
    ['voluntaryContextSwitches', 'voluntary_ctxt_switches'],
    ['involuntaryContextSwitches', 'nonvoluntary_ctxt_switches'],
  ];
  for (const [property, key] of optional) {
    const value = number(key);
    if (value !== undefined) (status as unknown as Record<string, number>)[property] = value;
  }
  return status;
}
