// A fixture /proc with captured processes, for the tests of the process scraper and collector.
import { readFileSync } from 'node:fs';
import type { FixtureHost } from '../../host-metrics/test-helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8');

/** pids of the captured processes. */
export const PIDS = { master: 25041, worker: 25042, kthreadd: 2, odd: 24759, long: 24761 } as const;

/** The files and links of a host running a captured nginx (master and one worker) and three others. */
export function processTree(): { files: Record<string, string>; host: FixtureHost } {
  const files: Record<string, string> = {
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    stat: 'cpu0 1 0 1 8 0 0 0 0 0 0\ncpu1 1 0 1 8 0 0 0 0 0 0\nbtime 1700000000\nprocesses 98765\nprocs_running 3\nprocs_blocked 1\n',
    meminfo: 'MemTotal: 1000000 kB\n',
  };
  const links: Record<string, string> = {};
  for (const [role, pid] of [
    ['master', PIDS.master],
    ['worker', PIDS.worker],
  ] as const) {
    for (const part of ['stat', 'status', 'io', 'cmdline'])
      files[`/proc/${pid}/${part}`] = fixture(`nginx-${role}-${part}.txt`);
    for (let fd = 0; fd < 11; fd++) links[`/proc/${pid}/fd/${fd}`] = `socket:[${1000 + fd}]`;
    links[`/proc/${pid}/exe`] = '/usr/sbin/nginx';
  }
  files[`/proc/${PIDS.kthreadd}/stat`] = fixture('kthreadd-stat.txt');
  files[`/proc/${PIDS.kthreadd}/status`] = fixture('kthreadd-status.txt');
  files[`/proc/${PIDS.kthreadd}/cmdline`] = '';
  // Kernel threads have an io file (all zero); sleeping programs read little.
  const noIo = 'rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n';
  const sleeperStatus = (name: string) => fixture('nginx-master-status.txt').replace('Name:\tnginx', `Name:\t${name}`);
  files[`/proc/${PIDS.kthreadd}/io`] = noIo;
  for (const [pid, name] of [
    [PIDS.odd, 'my (odd) sleep'],
    [PIDS.long, 'averyverylongpr'],
  ] as const) {
    files[`/proc/${pid}/io`] = noIo;
    files[`/proc/${pid}/status`] = sleeperStatus(name);
  }
  files[`/proc/${PIDS.odd}/stat`] = fixture('odd-name-stat.txt');
  files[`/proc/${PIDS.odd}/cmdline`] = '/tmp/my (odd) sleep\x0030\x00';
  links[`/proc/${PIDS.odd}/exe`] = '/tmp/my (odd) sleep';
  files[`/proc/${PIDS.long}/stat`] = fixture('long-name-stat.txt');
  files[`/proc/${PIDS.long}/cmdline`] = fixture('long-name-cmdline.txt');
  links[`/proc/${PIDS.long}/exe`] = '/tmp/averyverylongprogramname (deleted)';
  return { files, host: { links } };
}
