import { type CpuTicks, totalTicks, USER_HZ } from './parse-proc-stat.ts';

/** The `state` attribute values of the cpu metrics, in the order the contrib receiver records them. */
export const CPU_STATES = ['user', 'system', 'idle', 'interrupt', 'nice', 'softirq', 'steal', 'wait'] as const;

/** One `state` attribute value. */
export type CpuState = (typeof CPU_STATES)[number];

/** A number per CPU state. */
export type CpuStateValues = Record<CpuState, number>;

/** Maps the `/proc/stat` columns to the contrib receiver's states: wait = iowait, interrupt = irq. */
export function ticksByState(ticks: CpuTicks): CpuStateValues {
  return {
    user: ticks.user,
    system: ticks.system,
    idle: ticks.idle,
    interrupt: ticks.irq,
    nice: ticks.nice,
    softirq: ticks.softirq,
    steal: ticks.steal,
    wait: ticks.iowait,
  };
}

/** The seconds one CPU spent in each state since boot (`system.cpu.time`). */
export function secondsByState(ticks: CpuTicks): CpuStateValues {
  const byState = ticksByState(ticks);
  for (const state of CPU_STATES) byState[state] /= USER_HZ;
  return byState;
}

/**
 * The fraction of one CPU's time spent in each state between two snapshots
 * (`system.cpu.utilization`): each state's tick delta over the total tick delta, guest excluded
 * because `user` and `nice` already contain it. All zero when no tick elapsed, as in contrib.
 */
export function utilizationByState(previous: CpuTicks, current: CpuTicks): CpuStateValues {
  const before = ticksByState(previous);
  const after = ticksByState(current);
  const elapsed = totalTicks(current) - totalTicks(previous);
  for (const state of CPU_STATES) after[state] = elapsed > 0 ? (after[state] - before[state]) / elapsed : 0;
  return after;
}
