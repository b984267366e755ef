/**
 * Tick counters of one logical CPU, from a `cpuN` line of `/proc/stat`, in USER_HZ ticks. Columns
 * an older kernel does not print (steal before 2.6.11, guest before 2.6.24, guest_nice before
 * 2.6.33) read as 0, as in the contrib receiver; `columns` says how many the kernel printed.
 */
export interface CpuTicks {
  /** `cpu0`, `cpu1`... or `cpu` for the line that sums every CPU. */
  cpu: string;
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  /** Already counted in `user`: the kernel adds guest time to both. */
  guest: number;
  /** Already counted in `nice`. */
  guestNice: number;
  columns: number;
}

/** What the cpu scraper needs from `/proc/stat`. */
export interface ProcStat {
  /** The first line, the sum over every CPU; absent when the file lacks it. */
  total: CpuTicks | undefined;
  /** One entry per `cpuN` line, in file order. Only online CPUs are listed. */
  cpus: CpuTicks[];
  /** `btime`: when the host booted, in unix seconds. */
  bootTimeSeconds: number | undefined;
}

/** The kernel's USER_HZ: `/proc/stat` counts time in ticks of 1/100 s on every Linux architecture. */
export const USER_HZ = 100;

const TICK_FIELDS = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guestNice',
] as const;

/** Parses the text of `/proc/stat` into per-CPU tick counters and the boot time. */
export function parseProcStat(text: string): ProcStat {
  const result: ProcStat = { total: undefined, cpus: [], bootTimeSeconds: undefined };
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu')) {
      const ticks = parseCpuLine(line);
      if (ticks.cpu === 'cpu') result.total = ticks;
      else result.cpus.push(ticks);
    } else if (line.startsWith('btime ')) {
      result.bootTimeSeconds = parseCounter(line.slice('btime '.length).trim(), 'btime');
    }
  }
  return result;
}

/** The time a CPU was busy or idle, in ticks: every state except guest, which `user`/`nice` include. */
export function totalTicks(ticks: CpuTicks): number {
  return ticks.user + ticks.nice + ticks.system + ticks.idle + ticks.iowait + ticks.irq + ticks.softirq + ticks.steal;
}

function parseCpuLine(line: string): CpuTicks {
  const fields = line.trim().split(/\s+/);
  const cpu = fields[0] as string;
  if (!/^cpu\d*$/.test(cpu)) throw new Error(`Unexpected CPU name "${cpu}" in /proc/stat.`);
  // user, nice, system and idle exist on every kernel; the rest came later.
  if (fields.length < 5) throw new Error(`Too few columns for ${cpu} in /proc/stat: "${line}".`);
  const ticks: CpuTicks = {
    cpu,
    user: 0,
    nice: 0,
    system: 0,
    idle: 0,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    guest: 0,
    guestNice: 0,
    columns: Math.min(fields.length - 1, TICK_FIELDS.length),
  };
  TICK_FIELDS.forEach((field, index) => {
    const text = fields[index + 1];
    if (text !== undefined) ticks[field] = parseCounter(text, `${cpu} ${field}`);
  });
  return ticks;
}

function parseCounter(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`Expected a counter for ${what} in /proc/stat, got "${text}".`);
  return Number(text);
}

/** The number of online logical CPUs: the `cpuN` lines of `/proc/stat`. */
export function countOnlineCpus(text: string): number {
  const count = text.match(/^cpu\d+ /gm)?.length ?? 0;
  if (count === 0) throw new Error('No cpuN line in /proc/stat.');
  return count;
}
