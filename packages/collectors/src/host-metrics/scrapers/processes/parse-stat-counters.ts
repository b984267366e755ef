/** The process counters of `/proc/stat`. */
export interface ProcessCounters {
  /** Forks since boot (`processes`). */
  created: number;
  /** Tasks (threads included) runnable now (`procs_running`). */
  running: number;
  /** Tasks blocked on I/O now (`procs_blocked`). */
  blocked: number;
}

/** Reads `processes`, `procs_running` and `procs_blocked` from `/proc/stat`. */
export function parseStatCounters(text: string): ProcessCounters {
  const value = (name: string): number => {
    const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
    if (!match) throw new Error(`No ${name} line in /proc/stat.`);
    return Number(match[1]);
  };
  return { created: value('processes'), running: value('procs_running'), blocked: value('procs_blocked') };
}

/**
 * The `status` attribute values of `system.processes.count` for the state letters of
 * `/proc/<pid>/stat`, with gopsutil's names as contrib reports them; others are `unknown`.
 */
export const STATUS_BY_STATE: Readonly<Record<string, string>> = {
  R: 'running',
  S: 'sleeping',
  D: 'blocked',
  Z: 'zombies',
  T: 'stopped',
  t: 'stopped',
  I: 'idle',
  W: 'paging',
  L: 'locked',
};
