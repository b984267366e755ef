/**
 * The fields wasmpipe uses from `/proc/<pid>/stat` (proc(5)). Times are in clock ticks of
 * USER_HZ (1/100 s), `startTicks` counts from boot, sizes are bytes except `rssPages`.
 */
export interface PidStat {
  pid: number;
  /** The command name, at most 15 bytes (TASK_COMM_LEN - 1); it may hold spaces and parentheses. */
  comm: string;
  /** One letter: R running, S sleeping, D disk sleep, Z zombie, T stopped, t traced, I idle, X dead. */
  state: string;
  ppid: number;
  minorFaults: number;
  majorFaults: number;
  userTicks: number;
  systemTicks: number;
  threads: number;
  startTicks: number;
  virtualBytes: number;
  rssPages: number;
  /** Time spent waiting for block I/O (delayacct_blkio_ticks); 0 without delay accounting. */
  blockIoTicks: number;
}

/** Parses `/proc/<pid>/stat`. The command name sits between the first `(` and the last `)`. */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`Unexpected /proc/<pid>/stat: "${text.slice(0, 80)}".`);
  // Fields after the name, numbered from 3 (state) as in proc(5).
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (number: number): number => {
    const value = rest[number - 3];
    if (value === undefined || !/^-?\d+$/.test(value)) {
      throw new Error(`Expected a number in field ${number} of /proc/<pid>/stat, got "${value}".`);
    }
    return Number(value);
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '',
    ppid: field(4),
    minorFaults: field(10),
    majorFaults: field(12),
    userTicks: field(14),
    systemTicks: field(15),
    threads: field(20),
    startTicks: field(22),
    virtualBytes: field(23),
    rssPages: field(24),
    // Added in 2.6.18; older kernels end earlier.
    blockIoTicks: rest.length >= 40 ? field(42) : 0,
  };
}
