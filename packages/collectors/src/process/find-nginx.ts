import { errorCode, type HostFiles } from '../host-metrics/host-files.ts';
import type { PidStat } from './procfs/parse-pid-stat.ts';
import { executableName, listPids, readCmdline, readPidStat } from './procfs/read-process.ts';

/** One nginx: its master and the master's children (workers, cache manager, cache loader). */
export interface NginxProcesses {
  master: PidStat;
  children: PidStat[];
  /** Pids of the children whose title says `worker process`. */
  workers: number[];
  /** The command lines read on the way, by pid. */
  cmdlines: Map<number, string[]>;
}

/** How the masters were found. */
export type FoundBy = 'pid_file' | 'name';

/** The outcome of a search: the nginx instances found, and how. */
export interface NginxSearch {
  instances: NginxProcesses[];
  foundBy: FoundBy;
  /** Why the pid file was not used, when it was not. */
  pidFileProblem?: string;
}

/**
 * Finds nginx: the master from the pid file when it names a live process called `processName`,
 * else every process called `processName` whose parent is not one (the masters, several nginx
 * instances included). The children come from `/proc/<pid>/task/<pid>/children` when the kernel
 * has it (CONFIG_PROC_CHILDREN), else from a scan of every process's parent.
 */
export function findNginx(files: HostFiles, pidFile: string, processName: string): NginxSearch {
  let pidFileProblem: string | undefined;
  try {
    const text = files.readText(pidFile).trim();
    if (!/^\d+$/.test(text)) throw new Error(`${pidFile} does not hold a pid ("${text.slice(0, 20)}")`);
    const master = readPidStat(files, Number(text));
    if (!master) throw new Error(`${pidFile} names pid ${text}, which does not run`);
    const name = executableName(master, readCmdline(files, master.pid));
    if (name !== processName) throw new Error(`${pidFile} names pid ${text}, which is ${name}, not ${processName}`);
    return { instances: [withChildren(files, master)], foundBy: 'pid_file' };
  } catch (error) {
    pidFileProblem =
      errorCode(error) === 'ENOENT'
        ? `${pidFile} does not exist`
        : error instanceof Error
          ? error.message
          : String(error);
  }
  const stats = listPids(files)
    .map((pid) => readPidStat(files, pid))
    .filter((stat): stat is PidStat => stat !== undefined);
  const named = new Set(
    stats.filter((stat) => executableName(stat, readCmdlineIfCut(files, stat)) === processName).map((stat) => stat.pid),
  );
  const instances = stats
    .filter((stat) => named.has(stat.pid) && !named.has(stat.ppid))
    .map((master) => withChildren(files, master, stats));
  return { instances, foundBy: 'name', pidFileProblem };
}

function readCmdlineIfCut(files: HostFiles, stat: PidStat): string[] | undefined {
  return stat.comm.length >= 15 ? readCmdline(files, stat.pid) : undefined;
}

function withChildren(files: HostFiles, master: PidStat, all?: PidStat[]): NginxProcesses {
  let children: PidStat[];
  try {
    const pids = files.readText(`/proc/${master.pid}/task/${master.pid}/children`).trim().split(/\s+/).filter(Boolean);
    children = pids.map((pid) => readPidStat(files, Number(pid))).filter((stat): stat is PidStat => stat !== undefined);
  } catch {
    const stats =
      all ??
      listPids(files)
        .map((pid) => readPidStat(files, pid))
        .filter((stat): stat is PidStat => stat !== undefined);
    children = stats.filter((stat) => stat.ppid === master.pid);
  }
  const cmdlines = new Map<number, string[]>();
  for (const child of children) {
    const cmdline = readCmdline(files, child.pid);
    if (cmdline) cmdlines.set(child.pid, cmdline);
  }
  const workers = children
    .filter((child) => (cmdlines.get(child.pid) ?? []).join(' ').includes('worker process'))
    .map((child) => child.pid);
  return { master, children, workers, cmdlines };
}
