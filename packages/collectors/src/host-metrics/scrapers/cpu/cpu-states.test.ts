import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../../test-helpers.ts';
import { CPU_STATES, secondsByState, utilizationByState } from './cpu-states.ts';
import { parseProcStat } from './parse-proc-stat.ts';

const before = parseProcStat(readFixture('proc-stat-utilization-before.txt'));
const after = parseProcStat(readFixture('proc-stat-utilization-after.txt'));

describe('secondsByState', () => {
  it('divides ticks by USER_HZ (100) and maps iowait to wait, irq to interrupt', () => {
    assert.deepEqual(secondsByState(before.cpus[0]!), {
      user: 10,
      system: 5,
      idle: 80,
      interrupt: 1,
      nice: 1,
      softirq: 1,
      steal: 0,
      wait: 2,
    });
  });
});

describe('utilizationByState', () => {
  it('divides each state delta by the total delta (cpu0: 400 ticks elapsed)', () => {
    // Deltas: user 200, nice 0, system 100, idle 50, iowait 20, irq 10, softirq 20, steal 0 = 400.
    // Guest went 50 -> 70 and is left out, or the total would be 420.
    assert.deepEqual(utilizationByState(before.cpus[0]!, after.cpus[0]!), {
      user: 0.5,
      system: 0.25,
      idle: 0.125,
      interrupt: 0.025,
      nice: 0,
      softirq: 0.05,
      steal: 0,
      wait: 0.05,
    });
  });

  it('computes cpu1 independently (1000 ticks elapsed)', () => {
    // Deltas: user 200, system 100, idle 650, iowait 20, softirq 10, steal 20 = 1000.
    assert.deepEqual(utilizationByState(before.cpus[1]!, after.cpus[1]!), {
      user: 0.2,
      system: 0.1,
      idle: 0.65,
      interrupt: 0,
      nice: 0,
      softirq: 0.01,
      steal: 0.02,
      wait: 0.02,
    });
  });

  it('sums to 1 over the states', () => {
    const utilization = utilizationByState(before.cpus[1]!, after.cpus[1]!);
    const sum = CPU_STATES.reduce((total, state) => total + utilization[state], 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  });

  it('is all zero when no tick elapsed, as in contrib', () => {
    const utilization = utilizationByState(before.cpus[0]!, before.cpus[0]!);
    for (const state of CPU_STATES) assert.equal(utilization[state], 0);
  });
});
