// Glob matching on UTF-8 bytes, so metric names are matched where they lie in the payload
// without being decoded into strings. `*` matches any run of characters, `?` exactly one.

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
