/** What the cpu scraper uses from `/proc/cpuinfo`, per logical CPU. */
export interface CpuInfo {
  processor: number;
  /** `cpu MHz`: the current frequency on x86; absent on most ARM kernels. */
  megahertz?: number;
  /** `physical id` and `core id`: absent on some ARM and virtual machines. */
  physicalId?: string;
  coreId?: string;
}

/** Parses `/proc/cpuinfo`: blocks of `key\t: value` lines separated by blank lines. */
export function parseCpuinfo(text: string): CpuInfo[] {
  const cpus: CpuInfo[] = [];
  let current: CpuInfo | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') {
      if (!/^\d+$/.test(value)) continue; // ARM kernels before 3.8 print "processor : ARMv7..." once
      current = { processor: Number(value) };
      cpus.push(current);
    } else if (current && key === 'cpu MHz' && /^\d+(\.\d+)?$/.test(value)) {
      // Anything but a decimal number is left out: NaN would travel on as a frequency.
      current.megahertz = Number(value);
    } else if (current && key === 'physical id') {
      current.physicalId = value;
    } else if (current && key === 'core id') {
      current.coreId = value;
    }
  }
  return cpus;
}

/**
 * The number of physical cores: distinct `physical id` and `core id` pairs, as gopsutil counts
 * them; undefined when the kernel prints neither (then nothing is reported rather than a guess).
 */
export function countPhysicalCores(cpus: readonly CpuInfo[]): number | undefined {
  const cores = new Set(
    cpus.filter((cpu) => cpu.coreId !== undefined).map((cpu) => `${cpu.physicalId ?? '0'}:${cpu.coreId}`),
  );
  return cores.size > 0 ? cores.size : undefined;
}
