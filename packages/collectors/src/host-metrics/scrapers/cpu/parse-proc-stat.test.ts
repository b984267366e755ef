import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../../test-helpers.ts';
import { parseProcStat, totalTicks } from './parse-proc-stat.ts';

describe('parseProcStat', () => {
  it('reads every column of a current kernel (this machine, 2 CPUs)', () => {
    const stat = parseProcStat(readFixture('proc-stat-2cpu.txt'));
    assert.equal(stat.bootTimeSeconds, 1795468001);
    assert.deepEqual(
      stat.cpus.map((ticks) => ticks.cpu),
      ['cpu0', 'cpu1'],
    );
    assert.deepEqual(stat.cpus[0], {
      cpu: 'cpu0',
      user: 2394,
      nice: 0,
      system: 1369,
      idle: 48166,
      iowait: 10,
      irq: 0,
      softirq: 12,
      steal: 76,
      guest: 0,
      guestNice: 0,
      columns: 10,
    });
    assert.equal(stat.total?.cpu, 'cpu');
    assert.equal(stat.total?.user, 5773);
  });

  it('reads 64 CPUs in order, and their columns add up to the total line', () => {
    const stat = parseProcStat(readFixture('proc-stat-64cpu.txt'));
    assert.equal(stat.cpus.length, 64);
    assert.equal(stat.cpus[63]?.cpu, 'cpu63');
    assert.equal(stat.cpus[63]?.user, 100000 + 63 * 137);
    const summed = stat.cpus.reduce((sum, ticks) => sum + totalTicks(ticks), 0);
    assert.equal(summed, totalTicks(stat.total!));
    assert.equal(stat.bootTimeSeconds, 1700000000);
  });

  it('reads missing steal and guest columns of a 2.6.9 kernel as 0', () => {
    const stat = parseProcStat(readFixture('proc-stat-kernel-2.6.9-no-steal.txt'));
    const cpu1 = stat.cpus[1]!;
    assert.equal(cpu1.columns, 7);
    assert.equal(cpu1.softirq, 18);
    assert.equal(cpu1.steal, 0);
    assert.equal(cpu1.guest, 0);
    assert.equal(cpu1.guestNice, 0);
  });

  it('reads steal but no guest columns of a 2.6.24 kernel', () => {
    const stat = parseProcStat(readFixture('proc-stat-kernel-2.6.24-no-guest.txt'));
    assert.equal(stat.cpus[0]?.columns, 8);
    assert.equal(stat.cpus[0]?.steal, 5);
    assert.equal(stat.cpus[0]?.guest, 0);
  });

  it('leaves guest out of the total, since user and nice already count it', () => {
    const stat = parseProcStat(readFixture('proc-stat-utilization-before.txt'));
    // cpu0: 1000 + 100 + 500 + 8000 + 200 + 100 + 100 + 0, without guest 50.
    assert.equal(totalTicks(stat.cpus[0]!), 10000);
  });

  it('has no boot time and no CPUs for text without them', () => {
    assert.deepEqual(parseProcStat('intr 1 2 3\nctxt 4\n'), { total: undefined, cpus: [], bootTimeSeconds: undefined });
  });

  it('rejects truncated or non-numeric lines', () => {
    assert.throws(() => parseProcStat('cpu0 1 2 3\n'), /Too few columns for cpu0/);
    assert.throws(() => parseProcStat('cpu0 1 2 x 4\n'), /Expected a counter for cpu0 system/);
    assert.throws(() => parseProcStat('btime soon\n'), /Expected a counter for btime/);
  });
});
