// Glob matching on UTF-8 bytes, so names are matched where they lie in the payload without
// being decoded into strings. `*` matches any run of characters, `?` exactly one (a UTF-8 code
// point); every other character matches itself.

import { StringTable } from './strings';

/** A compiled glob. */
export class Glob {
  readonly pattern: ArrayBuffer;
  /** True when the pattern has no `*` or `?`: it matches exactly one string. */
  readonly literal: bool;

  constructor(readonly source: string) {
    this.pattern = String.UTF8.encode(source);
    this.literal = !source.includes('*') && !source.includes('?');
  }

  /** True when string `id` of `table` matches. */
  matches(table: StringTable, id: i32): bool {
    if (!table.isValid(id)) return false;
    return globMatches(this.pattern, table.pointer(id), table.length(id));
  }
}

/** A set of globs with a per-batch memo by string id: each distinct name is matched once per batch. */
export class GlobSet {
  globs: Array<Glob> = new Array<Glob>();
  private memo: StaticArray<i8> = new StaticArray<i8>(0);
  private table: StringTable | null = null;

  add(source: string): void {
    this.globs.push(new Glob(source));
  }

  get isEmpty(): bool {
    return this.globs.length == 0;
  }

  /** True when string `id` matches any glob of the set. */
  matchesAny(table: StringTable, id: i32): bool {
    if (!table.isValid(id)) return false;
    if (this.table !== table || this.memo.length < table.count) {
      if (this.table !== table) this.memo = new StaticArray<i8>(table.count + 16);
      else {
        const grown = new StaticArray<i8>(table.count + 16);
        memory.copy(changetype<usize>(grown), changetype<usize>(this.memo), <usize>this.memo.length);
        this.memo = grown;
      }
      this.table = table;
    }
    const known = unchecked(this.memo[id]);
    if (known != 0) return known > 0;
    let matched = false;
    for (let index = 0; index < this.globs.length && !matched; index++) {
      matched = unchecked(this.globs[index]).matches(table, id);
    }
    unchecked((this.memo[id] = matched ? 1 : -1));
    return matched;
  }
}

const STAR: u8 = 0x2a;
const QUESTION: u8 = 0x3f;

/** True when the `nameLength` UTF-8 bytes at `name` match the UTF-8 glob `pattern`. */
export function globMatches(pattern: ArrayBuffer, name: usize, nameLength: i32): bool {
  const patternBase = changetype<usize>(pattern);
  const patternLength = pattern.byteLength;
  let patternIndex = 0;
  let nameIndex = 0;
  let starIndex = -1;
  let starNameIndex = 0;
  while (nameIndex < nameLength) {
    if (patternIndex < patternLength) {
      const token = load<u8>(patternBase + <usize>patternIndex);
      if (token == STAR) {
        starIndex = patternIndex;
        starNameIndex = nameIndex;
        patternIndex += 1;
        continue;
      }
      if (token == QUESTION) {
        patternIndex += 1;
        nameIndex = nextCharacter(name, nameIndex, nameLength);
        continue;
      }
      if (token == load<u8>(name + <usize>nameIndex)) {
        patternIndex += 1;
        nameIndex += 1;
        continue;
      }
    }
    if (starIndex < 0) return false;
    // Let the last star swallow one more character and try again from there.
    patternIndex = starIndex + 1;
    starNameIndex = nextCharacter(name, starNameIndex, nameLength);
    nameIndex = starNameIndex;
  }
  while (patternIndex < patternLength && load<u8>(patternBase + <usize>patternIndex) == STAR) patternIndex += 1;
  return patternIndex == patternLength;
}

/** The index just past the UTF-8 character that starts at `index`. */
function nextCharacter(text: usize, index: i32, length: i32): i32 {
  let next = index + 1;
  while (next < length && (load<u8>(text + <usize>next) & 0xc0) == 0x80) next += 1;
  return next;
}
