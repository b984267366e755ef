// Reads processes from /proc/<pid>: shared by the host_metrics `process` scraper and the `process`
// collector, so both report the same values the same way.
import { errorCode, type HostFiles } from '../../host-metrics/host-files.ts';
import { parseCmdline } from './parse-cmdline.ts';
import { parsePasswd } from './parse-passwd.ts';
import { type PidIo, parsePidIo } from './parse-pid-io.ts';
import { type PidStat, parsePidStat } from './parse-pid-stat.ts';
import { type PidStatus, parsePidStatus } from './parse-pid-status.ts';

/** What was read about one process. A part that could not be read (no permission) is absent. */
export interface ProcessSnapshot {
  pid: number;
  stat: PidStat;
  status?: PidStatus;
  io?: PidIo;
  openFileDescriptors?: number;
  cmdline?: string[];
  /** The target of `/proc/<pid>/exe`; absent for kernel threads and without permission. */
  executablePath?: string;
  owner?: string;
}

/** The parts of a process to read beyond `stat`. */
export interface ProcessParts {
  status?: boolean;
  io?: boolean;
  fds?: boolean;
  cmdline?: boolean;
  exe?: boolean;
  owner?: boolean;
}

/** A part of a process that could not be read, for the caller to report once. */
export type DeniedPart = 'io' | 'fds' | 'exe' | 'status' | 'cmdline';

/** The pids under `/proc`, in ascending order. */
export function listPids(files: HostFiles): number[] {
  const pids: number[] = [];
  for (const name of files.list('/proc')) {
    const code = name.charCodeAt(0);
    if (code >= 48 && code <= 57 && /^\d+$/.test(name)) pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

/** True for the errors of a process that exited while being read. */
function vanished(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ESRCH';
}

/** True for the errors of a part the collector may not read (another user's process, no root). */
function denied(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'EACCES' || code === 'EPERM';
}

/** Reads `/proc/<pid>/stat`; undefined when the process is gone. */
export function readPidStat(files: HostFiles, pid: number): PidStat | undefined {
  try {
    return parsePidStat(files.readText(`/proc/${pid}/stat`));
  } catch (error) {
    if (vanished(error)) return undefined;
    throw error;
  }
}

/** Reads `/proc/<pid>/cmdline`; undefined when the process is gone or it may not be read. */
export function readCmdline(files: HostFiles, pid: number): string[] | undefined {
  try {
    return parseCmdline(files.readText(`/proc/${pid}/cmdline`));
  } catch (error) {
    if (vanished(error) || denied(error)) return undefined;
    throw error;
  }
}

/** Resolves uids to user names from `<root_path>/etc/passwd`, read at most once per instance. */
export class UserNames {
  readonly #files: HostFiles;
  #users: Map<number, string> | undefined;

  constructor(files: HostFiles) {
    this.#files = files;
  }

  /** The user name, or the uid as text when passwd does not list it (as `ps` shows it). */
  nameOf(uid: number): string {
    if (!this.#users) {
      try {
        this.#users = parsePasswd(this.#files.readText('/etc/passwd'));
      } catch {
        this.#users = new Map();
      }
    }
    return this.#users.get(uid) ?? String(uid);
  }
}

/**
 * Reads the parts asked for of a process whose stat is known. Undefined when the process exited
 * meanwhile; a part it may not read is left out and passed to `onDenied`.
 */
export function readProcess(
  files: HostFiles,
  stat: PidStat,
  parts: ProcessParts,
  users: UserNames,
  onDenied: (part: DeniedPart, error: unknown) => void,
  known: { cmdline?: string[] | undefined } = {},
): ProcessSnapshot | undefined {
  const pid = stat.pid;
  const snapshot: ProcessSnapshot = { pid, stat };
  const attempt = <T>(part: DeniedPart, read: () => T): T | undefined | 'gone' => {
    try {
      return read();
    } catch (error) {
      if (vanished(error)) return 'gone';
      if (denied(error)) {
        onDenied(part, error);
        return undefined;
      }
      throw error;
    }
  };
  if (parts.status || parts.owner) {
    const status = attempt('status', () => parsePidStatus(files.readText(`/proc/${pid}/status`)));
    if (status === 'gone') return undefined;
    if (status) {
      snapshot.status = status;
      if (parts.owner) snapshot.owner = users.nameOf(status.uid);
    }
  }
  if (parts.io) {
    const io = attempt('io', () => parsePidIo(files.readText(`/proc/${pid}/io`)));
    if (io === 'gone') return undefined;
    if (io) snapshot.io = io;
  }
  if (parts.fds) {
    const count = attempt('fds', () => files.list(`/proc/${pid}/fd`).length);
    if (count === 'gone') return undefined;
    if (count !== undefined) snapshot.openFileDescriptors = count;
  }
  if (parts.cmdline) {
    const cmdline = known.cmdline ?? attempt('cmdline', () => parseCmdline(files.readText(`/proc/${pid}/cmdline`)));
    if (cmdline === 'gone') return undefined;
    if (cmdline) snapshot.cmdline = cmdline;
  }
  if (parts.exe) {
    // A kernel thread has no executable: its exe link fails with ENOENT while the process lives.
    const path = attempt('exe', () => files.readLink(`/proc/${pid}/exe`));
    if (typeof path === 'string' && path !== 'gone') snapshot.executablePath = path.replace(/ \(deleted\)$/, '');
  }
  return snapshot;
}

/**
 * The executable name: the kernel's command name, or, when that is cut at 15 bytes, the base
 * name of the first argument that starts with it (gopsutil's rule, which contrib uses).
 */
export function executableName(stat: PidStat, cmdline: readonly string[] | undefined): string {
  if (stat.comm.length < 15 || !cmdline || cmdline.length === 0) return stat.comm;
  const first = (cmdline[0] as string).split(' ')[0] as string;
  const base = first.slice(first.lastIndexOf('/') + 1);
  return base.startsWith(stat.comm) ? base : stat.comm;
}
