// Reads what the WebAssembly JS API does not expose from a module's binary: the declared memory
// limits (minimum and maximum pages), whether memory is imported or defined, and the custom
// sections (for example `producers`, which names the toolchain). Only the sections it needs are
// parsed; a malformed binary gives an error naming the offset, never a guess.

/** One 64 KiB WebAssembly page. */
export const WASM_PAGE_BYTES = 65_536;

/** The declared limits of a memory, in pages. */
export interface MemoryLimits {
  /** Pages the memory starts with. */
  minimum: number;
  /** The most pages the module may grow to, or undefined when it declares no maximum. */
  maximum: number | undefined;
  shared: boolean;
  /** True when the memory is imported from the host rather than defined by the module. */
  imported: boolean;
}

/** What the binary says beyond the JS API's imports and exports lists. */
export interface ModuleSections {
  memories: MemoryLimits[];
  customSections: string[];
  /** From the `producers` custom section: language, processed-by and sdk entries, e.g. `clang 14.0.6`. */
  producers: Record<string, string[]>;
}

class Reader {
  position = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.position >= this.bytes.length) throw new Error(`unexpected end of the module at byte ${this.position}`);
    return this.bytes[this.position++] as number;
  }

  /** An unsigned LEB128 integer of up to 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error(`an integer too long at byte ${this.position}`);
    }
  }

  name(): string {
    const length = this.u32();
    const start = this.position;
    this.position += length;
    if (this.position > this.bytes.length) throw new Error(`a name past the end of the module at byte ${start}`);
    return new TextDecoder().decode(this.bytes.subarray(start, this.position));
  }

  limits(imported: boolean): MemoryLimits {
    const flags = this.byte();
    if (flags > 0x07) throw new Error(`unknown memory limits flags 0x${flags.toString(16)} at byte ${this.position}`);
    const minimum = this.u32();
    const maximum = (flags & 0x01) !== 0 ? this.u32() : undefined;
    return { minimum, maximum, shared: (flags & 0x02) !== 0, imported };
  }
}

/** Parses the import, memory and custom sections of a module's bytes. */
export function readModuleSections(bytes: Uint8Array): ModuleSections {
  const reader = new Reader(bytes);
  reader.position = 8; // magic and version, checked by the caller
  const result: ModuleSections = { memories: [], customSections: [], producers: {} };
  while (reader.position < bytes.length) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.position + size;
    if (end > bytes.length) throw new Error(`section ${id} runs past the end of the module`);
    if (id === 0) {
      const name = reader.name();
      result.customSections.push(name);
      if (name === 'producers') readProducers(reader, result.producers);
    } else if (id === 2) {
      readImports(reader, result.memories);
    } else if (id === 5) {
      const count = reader.u32();
      for (let index = 0; index < count; index++) result.memories.push(reader.limits(false));
    }
    reader.position = end;
  }
  return result;
}

function readImports(reader: Reader, memories: MemoryLimits[]): void {
  const count = reader.u32();
  for (let index = 0; index < count; index++) {
    reader.name();
    reader.name();
    const kind = reader.byte();
    switch (kind) {
      case 0: // function: type index
        reader.u32();
        break;
      case 1: // table: element type, limits
        reader.byte();
        reader.limits(true);
        break;
      case 2:
        memories.push(reader.limits(true));
        break;
      case 3: // global: value type, mutability
        reader.byte();
        reader.byte();
        break;
      case 4: // tag: attribute, type index
        reader.byte();
        reader.u32();
        break;
      default:
        throw new Error(`unknown import kind ${kind} at byte ${reader.position - 1}`);
    }
  }
}

function readProducers(reader: Reader, producers: Record<string, string[]>): void {
  const fields = reader.u32();
  for (let field = 0; field < fields; field++) {
    const name = reader.name();
    const values = reader.u32();
    const entries: string[] = [];
    for (let index = 0; index < values; index++) {
      const tool = reader.name();
      const version = reader.name();
      entries.push(version === '' ? tool : `${tool} ${version}`);
    }
    producers[name] = entries;
  }
}
