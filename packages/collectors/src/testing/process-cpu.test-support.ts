import { readFileSync } from 'node:fs';

/** User plus system CPU seconds a process used so far, from `/proc/<pid>/stat` (ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The resident set size of a process in bytes, from `/proc/<pid>/status`. */
export function processRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`No VmRSS for process ${pid}.`);
  return Number(match[1]) * 1024;
}
