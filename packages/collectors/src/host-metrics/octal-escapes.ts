/**
 * Undoes the kernel's octal escapes in `/proc/mounts`, `/proc/self/mountinfo` and `/proc/swaps`
 * fields: a space is written `\040`, a tab `\011`, a newline `\012`, a backslash `\134`.
 */
export function unescapeOctal(field: string): string {
  return field.includes('\\')
    ? field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
    : field;
}
