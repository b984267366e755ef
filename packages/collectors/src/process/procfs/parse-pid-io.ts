/** The counters of `/proc/<pid>/io` (the kernel's Documentation/filesystems/proc.rst). */
export interface PidIo {
  /** Bytes read through read(2) and friends, sockets and page cache included. */
  readChars: number;
  writtenChars: number;
  readSyscalls: number;
  writeSyscalls: number;
  /** Bytes fetched from the storage layer. */
  readBytes: number;
  /** Bytes sent to the storage layer (dirtied pages), before cancellations. */
  writeBytes: number;
  cancelledWriteBytes: number;
}

const KEYS: Record<string, keyof PidIo> = {
  rchar: 'readChars',
  wchar: 'writtenChars',
  syscr: 'readSyscalls',
  syscw: 'writeSyscalls',
  read_bytes: 'readBytes',
  write_bytes: 'writeBytes',
  cancelled_write_bytes: 'cancelledWriteBytes',
};

/** Parses `/proc/<pid>/io`: `key: value` lines. */
export function parsePidIo(text: string): PidIo {
  const io = {} as PidIo;
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s*(\d+)$/.exec(line.trim());
    const key = match ? KEYS[match[1] as string] : undefined;
    if (key) io[key] = Number(match?.[2]);
  }
  for (const key of Object.values(KEYS)) {
    if (io[key] === undefined) throw new Error(`No ${key} in /proc/<pid>/io.`);
  }
  return io;
}
