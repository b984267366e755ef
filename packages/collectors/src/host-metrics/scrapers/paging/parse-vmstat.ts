/** The counters of `/proc/vmstat` by name (`pgfault`, `pswpin`...). A name the kernel lacks is absent. */
export type Vmstat = Readonly<Record<string, number>>;

/** Parses `/proc/vmstat`: one `name value` pair per line. */
export function parseVmstat(text: string): Vmstat {
  const counters: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const value = line.slice(space + 1);
    if (space <= 0 || !/^-?\d+$/.test(value)) throw new Error(`Unexpected line in /proc/vmstat: "${line}".`);
    counters[line.slice(0, space)] = Number(value);
  }
  return counters;
}
