/** The fields of `/proc/loadavg`. */
export interface Loadavg {
  /** Load averages over 1, 5 and 15 minutes: runnable plus uninterruptible tasks. */
  load1: number;
  load5: number;
  load15: number;
  /** Tasks (threads included) runnable now. */
  runnable: number;
  /** Tasks (threads included) that exist now. */
  total: number;
  /** The most recently assigned pid. */
  lastPid: number;
}

/** Parses `/proc/loadavg`: `0.48 0.94 1.12 1/95 2695`. */
export function parseLoadavg(text: string): Loadavg {
  const match = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+)\/(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`Unexpected /proc/loadavg: "${text.trim()}".`);
  return {
    load1: Number(match[1]),
    load5: Number(match[2]),
    load15: Number(match[3]),
    runnable: Number(match[4]),
    total: Number(match[5]),
    lastPid: Number(match[6]),
  };
}
