// The memory ceiling (`max_memory`), enforced in the module itself: the memory section's maximum
// is rewritten to the ceiling before the module is compiled, so `memory.grow` past it fails
// inside the guest (it returns -1; AssemblyScript and Rust then abort, a trap) on every runtime,
// in any thread. A module whose declared minimum is above the ceiling is refused. Walking the
// sections also names a truncated module precisely.

/** Bytes per WebAssembly page. */
export const PAGE_BYTES = 65_536;

const MEMORY_SECTION = 5;

/** What {@link limitMemory} found and did. */
export interface MemoryLimitResult {
  /** The module with every memory's maximum at most the ceiling (the input when nothing changed). */
  bytes: Uint8Array;
  /** Pages each defined memory declares at the start, in declaration order. */
  minimumPages: number[];
  /** Pages each defined memory declares as its maximum (undefined: none). */
  maximumPages: (number | undefined)[];
  /** The ceiling, in pages. */
  ceilingPages: number;
}

/** A module that cannot run under the ceiling, or is not well formed enough to tell. */
export class MemoryLimitError extends Error {}

/**
 * Caps every memory the module defines at `maxBytes` (rounded down to whole pages). Throws a
 * {@link MemoryLimitError} when the module is truncated, declares more than the ceiling at the
 * start, or uses a memory kind the host does not run (shared or 64-bit).
 */
export function limitMemory(bytes: Uint8Array, maxBytes: number): MemoryLimitResult {
  const ceilingPages = Math.floor(maxBytes / PAGE_BYTES);
  if (ceilingPages < 1)
    throw new MemoryLimitError(`max_memory must be at least one page (64KiB), got ${maxBytes} bytes`);
  let memory: { sectionStart: number; contentStart: number; contentEnd: number } | undefined;
  let offset = 8;
  while (offset < bytes.length) {
    const sectionStart = offset;
    const id = bytes[offset] as number;
    const size = readLeb(bytes, offset + 1, `the size of section ${id} at byte ${offset}`);
    const contentStart = size.next;
    const contentEnd = contentStart + size.value;
    if (contentEnd > bytes.length) {
      throw new MemoryLimitError(
        `the module is truncated: section ${id} at byte ${sectionStart} declares ${size.value} bytes, ` +
          `but only ${bytes.length - contentStart} remain`,
      );
    }
    if (id === MEMORY_SECTION) memory = { sectionStart, contentStart, contentEnd };
    offset = contentEnd;
  }
  if (!memory) return { bytes, minimumPages: [], maximumPages: [], ceilingPages };
  return rewriteMemorySection(bytes, memory.sectionStart, memory.contentStart, memory.contentEnd, ceilingPages);
}

function rewriteMemorySection(
  bytes: Uint8Array,
  sectionStart: number,
  contentStart: number,
  contentEnd: number,
  ceilingPages: number,
): MemoryLimitResult {
  const count = readLeb(bytes, contentStart, 'the memory count');
  let offset = count.next;
  const content: number[] = [...unsignedLeb(count.value)];
  const minimumPages: number[] = [];
  const maximumPages: (number | undefined)[] = [];
  for (let index = 0; index < count.value; index++) {
    const flags = bytes[offset];
    if (flags !== 0x00 && flags !== 0x01) {
      const kind =
        flags === 0x02 || flags === 0x03
          ? 'shared'
          : flags !== undefined && flags >= 0x04
            ? '64-bit'
            : 'an unknown kind of';
      throw new MemoryLimitError(
        `memory ${index} is ${kind} memory (limits flags 0x${(flags ?? 0).toString(16)}), which plugins may not use`,
      );
    }
    const minimum = readLeb(bytes, offset + 1, `the minimum of memory ${index}`);
    offset = minimum.next;
    let maximum: number | undefined;
    if (flags === 0x01) {
      const declared = readLeb(bytes, offset, `the maximum of memory ${index}`);
      maximum = declared.value;
      offset = declared.next;
    }
    minimumPages.push(minimum.value);
    maximumPages.push(maximum);
    if (minimum.value > ceilingPages) {
      throw new MemoryLimitError(
        `memory ${index} declares a minimum of ${formatPages(minimum.value)}, above max_memory (${formatPages(ceilingPages)})`,
      );
    }
    const capped = Math.min(maximum ?? ceilingPages, ceilingPages);
    content.push(0x01, ...unsignedLeb(minimum.value), ...unsignedLeb(capped));
  }
  if (offset !== contentEnd) throw new MemoryLimitError('the memory section has trailing bytes');
  const section = [MEMORY_SECTION, ...unsignedLeb(content.length), ...content];
  const result = new Uint8Array(bytes.length - (contentEnd - sectionStart) + section.length);
  result.set(bytes.subarray(0, sectionStart), 0);
  result.set(section, sectionStart);
  result.set(bytes.subarray(contentEnd), sectionStart + section.length);
  return { bytes: result, minimumPages, maximumPages, ceilingPages };
}

/** "16MiB (256 pages)". */
export function formatPages(pages: number): string {
  const bytes = pages * PAGE_BYTES;
  const size = bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)}MiB` : `${bytes / 1024}KiB`;
  return `${size} (${pages} page${pages === 1 ? '' : 's'})`;
}

function readLeb(bytes: Uint8Array, start: number, what: string): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let offset = start; offset < bytes.length && shift < 35; offset++) {
    const byte = bytes[offset] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: offset + 1 };
    shift += 7;
  }
  throw new MemoryLimitError(`the module is truncated or malformed: cannot read ${what}`);
}

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}
