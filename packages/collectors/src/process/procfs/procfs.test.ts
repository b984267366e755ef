import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCmdline } from './parse-cmdline.ts';
import { parsePasswd } from './parse-passwd.ts';
import { parsePidIo } from './parse-pid-io.ts';
import { parsePidStat } from './parse-pid-stat.ts';
import { parsePidStatus } from './parse-pid-status.ts';
import { executableName } from './read-process.ts';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8');

describe('parsePidStat', () => {
  it('reads a captured nginx master', () => {
    assert.deepEqual(parsePidStat(fixture('nginx-master-stat.txt')), {
      pid: 25041,
      comm: 'nginx',
      state: 'S',
      ppid: 1,
      minorFaults: 28,
      majorFaults: 0,
      userTicks: 0,
      systemTicks: 0,
      threads: 1,
      startTicks: 325801,
      virtualBytes: 10502144,
      rssPages: 357,
      blockIoTicks: 0,
    });
  });

  it('reads a command name with spaces and parentheses, and a cut long one', () => {
    const odd = parsePidStat(fixture('odd-name-stat.txt'));
    assert.equal(odd.comm, 'my (odd) sleep');
    assert.equal(odd.state, 'S');
    assert.equal(odd.startTicks, 325370);
    assert.equal(parsePidStat(fixture('long-name-stat.txt')).comm, 'averyverylongpr');
  });

  it('reads a kernel thread (no memory)', () => {
    const kthreadd = parsePidStat(fixture('kthreadd-stat.txt'));
    assert.equal(kthreadd.comm, 'kthreadd');
    assert.equal(kthreadd.ppid, 0);
    assert.equal(kthreadd.virtualBytes, 0);
    assert.equal(kthreadd.rssPages, 0);
  });

  it('reads the I/O wait ticks of field 42, and rejects garbage', () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index + 3));
    fields[0] = 'D';
    const stat = parsePidStat(`7 (x) ${fields.join(' ')}`);
    assert.equal(stat.blockIoTicks, 42);
    assert.equal(stat.userTicks, 14);
    assert.throws(() => parsePidStat('no parentheses'), /Unexpected \/proc\/<pid>\/stat/);
    assert.throws(() => parsePidStat('7 (x) S 1 2'), /Expected a number in field 10/);
  });
});

describe('parsePidStatus', () => {
  it('reads a worker running as nobody, sizes in bytes', () => {
    assert.deepEqual(parsePidStatus(fixture('nginx-worker-status.txt')), {
      name: 'nginx',
      uid: 65534,
      rssBytes: 3704 * 1024,
      virtualBytes: 11520 * 1024,
      threads: 1,
      voluntaryContextSwitches: 2,
      involuntaryContextSwitches: 0,
    });
  });

  it('reads a kernel thread without Vm lines', () => {
    const status = parsePidStatus(fixture('kthreadd-status.txt'));
    assert.equal(status.name, 'kthreadd');
    assert.equal(status.rssBytes, undefined);
    assert.equal(typeof status.voluntaryContextSwitches, 'number');
    assert.throws(() => parsePidStatus('State: R\n'), /no Name or Uid line/);
  });
});

describe('parsePidIo', () => {
  it('reads every counter of a captured worker', () => {
    assert.deepEqual(parsePidIo(fixture('nginx-worker-io.txt')), {
      readChars: 3138,
      writtenChars: 0,
      readSyscalls: 6,
      writeSyscalls: 0,
      readBytes: 110592,
      writeBytes: 0,
      cancelledWriteBytes: 0,
    });
    assert.throws(() => parsePidIo('rchar: 1\n'), /No writtenChars in \/proc\/<pid>\/io/);
  });
});

describe('parseCmdline and executableName', () => {
  it('keeps a rewritten argv as one argument without its NUL padding', () => {
    assert.deepEqual(parseCmdline(fixture('nginx-worker-cmdline.txt')), ['nginx: worker process']);
    const master = parseCmdline(fixture('nginx-master-cmdline.txt'));
    assert.equal(master.length, 1);
    assert.match(master[0]!, /^nginx: master process \/usr\/sbin\/nginx -p /);
    assert.deepEqual(parseCmdline(''), []);
    assert.deepEqual(parseCmdline('a\0b c\0'), ['a', 'b c']);
  });

  it('takes the full name from the command line when the command name is cut at 15 bytes', () => {
    const long = parsePidStat(fixture('long-name-stat.txt'));
    assert.equal(executableName(long, parseCmdline(fixture('long-name-cmdline.txt'))), 'averyverylongprogramname');
    assert.equal(executableName(long, undefined), 'averyverylongpr');
    assert.equal(executableName(long, ['/usr/bin/other']), 'averyverylongpr');
    const worker = parsePidStat(fixture('nginx-worker-stat.txt'));
    assert.equal(executableName(worker, ['nginx: worker process']), 'nginx');
  });
});

describe('parsePasswd', () => {
  it('maps uids to names, first entry wins', () => {
    const users = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\ntoor:x:0:0::/:/bin/sh\n# comment\n',
    );
    assert.equal(users.get(0), 'root');
    assert.equal(users.get(65534), 'nobody');
    assert.equal(users.size, 2);
  });
});
