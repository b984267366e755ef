import type { Attributes } from '@wasmpipe/core';

/** The resource attributes of the host: `host.name` from the kernel, `os.type`. */
export async function readHostResource(readProcFile: (relativePath: string) => Promise<string>): Promise<Attributes> {
  const hostname = (await readProcFile('sys/kernel/hostname')).trim();
  if (hostname === '') throw new Error('The hostname in /proc/sys/kernel/hostname is empty.');
  return { 'host.name': hostname, 'os.type': 'linux' };
}
