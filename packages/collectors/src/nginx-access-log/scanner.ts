// A log format compiled into a scanner: it finds each variable's value in a line by searching for
// the literal text that follows it, and records offsets instead of cutting strings, so callers
// read numbers in place and slice only the values they keep.
import type { LogEscape, LogFormat } from './log-format.ts';

/** Finds the values of a format's variables in a line. */
export interface Scanner {
  readonly format: LogFormat;
  /** Variable names in line order. */
  readonly variables: readonly string[];
  /**
   * Scans `line`; on a match stores the start and end of variable `i`'s text at `offsets[2i]`
   * and `offsets[2i + 1]` and returns true. The text is as nginx wrote it (still escaped).
   */
  scan(line: string, offsets: Int32Array): boolean;
}

const DIGITS = 1;
const DECIMAL = 2;
/** `$status`: always three digits (nginx prints it with %03ui). */
const THREE_DIGITS = 3;
/** Variables whose values use only these characters; needed to split two adjacent variables. */
const CHARSETS: Record<string, number> = {
  status: THREE_DIGITS,
  body_bytes_sent: DIGITS,
  bytes_sent: DIGITS,
  request_length: DIGITS,
  connection: DIGITS,
  connection_requests: DIGITS,
  pid: DIGITS,
  remote_port: DIGITS,
  server_port: DIGITS,
  content_length: DIGITS,
  request_time: DECIMAL,
  msec: DECIMAL,
  gzip_ratio: DECIMAL,
};

/**
 * Compiles a format once. Throws when two variables touch and the first one's characters are
 * not known (nothing could tell where one ends), naming both.
 */
export function compileScanner(format: LogFormat): Scanner {
  const { literals, variables } = format;
  const count = variables.length;
  const separators = literals.slice(1);
  const prefix = literals[0] as string;
  const suffix = literals[count] as string;
  const charsets = new Uint8Array(count);
  for (let index = 0; index < count - 1; index++) {
    if (separators[index] !== '') continue;
    const charset = CHARSETS[variables[index] as string];
    if (charset === undefined) {
      throw new Error(
        `The log format puts $${variables[index]} right before $${variables[index + 1]} with nothing between; ` +
          'their values cannot be told apart. Put a character between them.',
      );
    }
    charsets[index] = charset;
  }
  const skipEscaped = format.escape !== 'none';

  /** The next occurrence of `separator` from `from` that is not part of an escape sequence. */
  const find = (line: string, separator: string, from: number): number => {
    let at = line.indexOf(separator, from);
    while (skipEscaped && at > from && isEscaped(line, at, from)) at = line.indexOf(separator, at + 1);
    return at;
  };

  const scan = (line: string, offsets: Int32Array): boolean => {
    if (count === 0) return line === prefix;
    if (prefix.length > 0 && !line.startsWith(prefix)) return false;
    let position = prefix.length;
    const last = count - 1;
    for (let index = 0; index < last; index++) {
      let end: number;
      const separator = separators[index] as string;
      if (separator === '') {
        end = position;
        const charset = charsets[index] as number;
        const limit = charset === THREE_DIGITS ? Math.min(line.length, position + 3) : line.length;
        while (end < limit && inCharset(line.charCodeAt(end), charset)) end++;
      } else {
        end = find(line, separator, position);
        if (end < 0) return false;
      }
      offsets[2 * index] = position;
      offsets[2 * index + 1] = end;
      position = end + separator.length;
    }
    const end = line.length - suffix.length;
    if (end < position || (suffix.length > 0 && !line.endsWith(suffix))) return false;
    offsets[2 * last] = position;
    offsets[2 * last + 1] = end;
    return true;
  };

  return { format, variables, scan };
}

function inCharset(code: number, charset: number): boolean {
  return (code >= 48 && code <= 57) || (charset === DECIMAL && code === 46);
}

/** True when the character at `at` is preceded by an odd number of backslashes (after `from`). */
function isEscaped(line: string, at: number, from: number): boolean {
  let backslashes = 0;
  for (let index = at - 1; index >= from && line.charCodeAt(index) === 92; index--) backslashes++;
  return backslashes % 2 === 1;
}

/** The text of a value as nginx meant it, escapes undone; undefined for `-` and empty (unset). */
export function readValue(line: string, start: number, end: number, escaping: LogEscape): string | undefined {
  if (end <= start) return undefined;
  if (end - start === 1 && line.charCodeAt(start) === 45) return undefined;
  const raw = line.slice(start, end);
  if (escaping === 'none' || raw.indexOf('\\') < 0) return raw;
  return escaping === 'json' ? unescapeJson(raw) : unescapeDefault(raw);
}

const decoder = new TextDecoder('utf-8');

/** Undoes nginx's default escaping: `\xHH` for `"`, `\`, control bytes and bytes from 0x7F. */
export function unescapeDefault(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 92 && text.charCodeAt(index + 1) === 120 && index + 3 < text.length) {
      const high = hexValue(text.charCodeAt(index + 2));
      const low = hexValue(text.charCodeAt(index + 3));
      if (high >= 0 && low >= 0) {
        bytes.push(high * 16 + low);
        index += 3;
        continue;
      }
    }
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    // Not from nginx's escaping (it writes only ASCII), but keep such text intact.
    const character = String.fromCodePoint(text.codePointAt(index) as number);
    for (const byte of encoder.encode(character)) bytes.push(byte);
    index += character.length - 1;
  }
  return decoder.decode(new Uint8Array(bytes));
}

const encoder = new TextEncoder();

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Undoes JSON string escaping (`\"`, `\\`, `\n`, `\u00XX`...); malformed escapes stay as they are. */
export function unescapeJson(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}
