/**
 * Splits `/proc/<pid>/cmdline`: arguments separated and ended by NUL bytes. A process that
 * rewrote its argv (nginx: `nginx: worker process`) may leave one argument padded with NULs or
 * spaces; empty trailing pieces are dropped. A kernel thread or a zombie has an empty one.
 */
export function parseCmdline(text: string): string[] {
  const parts = text.split('\0');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
