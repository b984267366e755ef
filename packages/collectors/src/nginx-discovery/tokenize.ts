/** One token of nginx.conf: a word (quoted or not), `;`, `{` or `}`, with its line. */
export interface Token {
  type: 'word' | ';' | '{' | '}';
  value: string;
  line: number;
  /** True when the word was written in quotes (so `"{"` is a word, not a block). */
  quoted: boolean;
}

/** A syntax error in nginx.conf, with its file and line. */
export class NginxConfigSyntaxError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'NginxConfigSyntaxError';
    this.file = file;
    this.line = line;
  }
}

const SPACE = new Set([' ', '\t', '\r', '\n']);

/**
 * Splits nginx.conf text into tokens the way nginx's own reader (`ngx_conf_read_token`) does:
 * `#` starts a comment only where a word could start; single and double quotes group a word and
 * take backslash escapes; `;` and `{` end a word, while `}` inside a word (as in `${host}`) is part
 * of it, and `{` right after `$` is too; a quoted word must be followed by a space, `;`, `{` or `)`.
 */
export function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text[index] as string;
    if (char === '\n') {
      line++;
      index++;
      continue;
    }
    if (SPACE.has(char)) {
      index++;
      continue;
    }
    if (char === '#') {
      while (index < length && text[index] !== '\n') index++;
      continue;
    }
    if (char === ';' || char === '{' || char === '}') {
      tokens.push({ type: char, value: char, line, quoted: false });
      index++;
      continue;
    }
    const startLine = line;
    if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < length && text[end] !== char) {
        if (text[end] === '\\') end++;
        else if (text[end] === '\n') line++;
        end++;
      }
      if (end >= length) throw new NginxConfigSyntaxError(file, startLine, `unterminated ${char} quote`);
      for (let scan = index + 1; scan < end; scan++) if (text[scan] === '\\' && text[scan + 1] === '\n') line++;
      tokens.push({ type: 'word', value: resolveEscapes(text.slice(index + 1, end)), line: startLine, quoted: true });
      index = end + 1;
      const next = text[index];
      if (next !== undefined && !SPACE.has(next) && next !== ';' && next !== '{' && next !== ')') {
        throw new NginxConfigSyntaxError(file, line, `unexpected "${next}" after a quoted string`);
      }
      continue;
    }
    let end = index;
    let variable = false;
    while (end < length) {
      const current = text[end] as string;
      if (current === '\\') {
        if (text[end + 1] === '\n') line++;
        end += 2;
        variable = false;
        continue;
      }
      if (current === '{' && variable) {
        end++;
        variable = false;
        continue;
      }
      variable = current === '$';
      if (SPACE.has(current) || current === ';' || current === '{') break;
      end++;
    }
    tokens.push({
      type: 'word',
      value: resolveEscapes(text.slice(index, Math.min(end, length))),
      line: startLine,
      quoted: false,
    });
    index = end;
  }
  return tokens;
}

/** nginx's escapes: `\"`, `\'`, `\\` drop the backslash; `\t`, `\r`, `\n` are control characters. */
function resolveEscapes(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let result = '';
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index] as string;
    if (char !== '\\' || index + 1 >= raw.length) {
      result += char;
      continue;
    }
    const next = raw[index + 1] as string;
    if (next === '"' || next === "'" || next === '\\') {
      result += next;
      index++;
    } else if (next === 't' || next === 'r' || next === 'n') {
      result += next === 't' ? '\t' : next === 'r' ? '\r' : '\n';
      index++;
    } else {
      result += char;
    }
  }
  return result;
}
