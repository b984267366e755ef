/** The fields of `/proc/uptime`, in seconds. */
export interface Uptime {
  /** Since boot, suspended time included (CLOCK_BOOTTIME). */
  uptimeSeconds: number;
  /** Summed over every CPU: can exceed the uptime on a multi-CPU host. */
  idleSeconds: number;
}

/** Parses `/proc/uptime`: `2417.27 3291.77`. */
export function parseUptime(text: string): Uptime {
  const match = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) throw new Error(`Unexpected /proc/uptime: "${text.trim()}".`);
  return { uptimeSeconds: Number(match[1]), idleSeconds: Number(match[2]) };
}
