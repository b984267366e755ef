import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../../test-helpers.ts';
import { parseMeminfo } from './parse-meminfo.ts';

const KIB = 1024;

describe('parseMeminfo', () => {
  it('reads a current kernel (this machine), kB as bytes, page counts as they are', () => {
    const meminfo = parseMeminfo(readFixture('meminfo-kernel-6.txt'));
    assert.equal(meminfo['MemTotal'], 24684084 * KIB);
    assert.equal(meminfo['SReclaimable'], 26816 * KIB);
    assert.equal(meminfo['Active(file)'], 34684 * KIB);
    assert.equal(meminfo['HugePages_Total'], 0);
    assert.equal(meminfo['Hugepagesize'], 2048 * KIB);
    assert.equal(meminfo['VmallocTotal'], 34359738367 * KIB);
  });

  it('leaves out what a 2.6.18 kernel does not print', () => {
    const meminfo = parseMeminfo(readFixture('meminfo-kernel-2.6.18-no-sreclaimable.txt'));
    assert.equal(meminfo['MemTotal'], 8165632 * KIB);
    assert.equal(meminfo['Slab'], 456780 * KIB);
    assert.equal('SReclaimable' in meminfo, false);
    assert.equal('MemAvailable' in meminfo, false);
  });

  it('accepts a missing trailing newline and blank lines', () => {
    assert.deepEqual(parseMeminfo('MemTotal: 2 kB\n\nHugePages_Free: 3'), { MemTotal: 2 * KIB, HugePages_Free: 3 });
  });

  it('rejects lines that are not "Name: value [kB]"', () => {
    assert.throws(() => parseMeminfo('MemTotal: lots\n'), /Unexpected line in \/proc\/meminfo: "MemTotal: lots"/);
    assert.throws(() => parseMeminfo('MemTotal 5 kB\n'), /Unexpected line/);
  });
});
