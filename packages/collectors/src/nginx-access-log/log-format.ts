// Reads an nginx `log_format` as written in nginx.conf: the whole directive, its quoted strings,
// or the bare format; `combined` is predefined. Follows ngx_http_log_compile_format and the
// tokenizer of ngx_conf_file.c, so a format nginx accepts reads the same here.

/** How nginx escapes variable values in the log (`escape=` of `log_format`). */
export type LogEscape = 'default' | 'json' | 'none';

/** A parsed log format: literal text and variables, alternating. */
export interface LogFormat {
  /** The format's name when given as a directive (`log_format main ...`), or `combined`. */
  name: string | undefined;
  escape: LogEscape;
  /** `literals[i]` comes before `variables[i]`; there is one literal more than variables. */
  literals: string[];
  /** Variable names without `$`, e.g. `remote_addr`. */
  variables: string[];
}

/** nginx's predefined format (ngx_http_combined_fmt). */
export const COMBINED_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

const ESCAPES: readonly LogEscape[] = ['default', 'json', 'none'];

/**
 * Parses a log format given as `combined`, as a full `log_format name [escape=...] '...' '...';`
 * directive, as its single-quoted strings alone, or as the bare format text. `escape` applies when the
 * text does not set one itself. Throws an Error saying what is wrong.
 */
export function parseLogFormat(text: string, escaping?: LogEscape): LogFormat {
  const trimmed = text.trim();
  if (trimmed === 'combined')
    return { ...compileFormat(COMBINED_FORMAT), name: 'combined', escape: escaping ?? 'default' };
  const tokens = tokenize(trimmed);
  if (tokens?.[0]?.text === 'log_format') {
    if (tokens.length < 3) throw new Error('The log_format directive needs a name and a format.');
    const name = (tokens[1] as Token).text;
    let index = 2;
    let directiveEscape: LogEscape | undefined;
    const first = tokens[2] as Token;
    if (first.text.startsWith('escape=')) {
      const value = first.text.slice('escape='.length);
      if (!ESCAPES.includes(value as LogEscape)) {
        throw new Error(`Unknown log format escaping "${value}"; expected default, json or none.`);
      }
      directiveEscape = value as LogEscape;
      index = 3;
    }
    if (escaping !== undefined && directiveEscape !== undefined && escaping !== directiveEscape) {
      throw new Error(`The log_format says escape=${directiveEscape} but the escape option says ${escaping}.`);
    }
    const format = tokens
      .slice(index)
      .map((token) => token.text)
      .join('');
    if (format === '') throw new Error(`The log_format "${name}" has no format strings.`);
    return { ...compileFormat(format), name, escape: directiveEscape ?? escaping ?? 'default' };
  }
  // Only quoted strings: the format as it appears after the name in nginx.conf. Only single quotes
  // count: a bare format often starts with a double quote of its own ("$request" ...).
  if (trimmed.startsWith("'") && tokens && tokens.length > 0 && tokens.every((token) => token.quoted)) {
    return {
      ...compileFormat(tokens.map((token) => token.text).join('')),
      name: undefined,
      escape: escaping ?? 'default',
    };
  }
  return { ...compileFormat(trimmed), name: undefined, escape: escaping ?? 'default' };
}

/** Splits a format string into literals and variables, as ngx_http_log_compile_format does. */
export function compileFormat(format: string): { literals: string[]; variables: string[] } {
  const literals: string[] = [];
  const variables: string[] = [];
  let literal = '';
  let index = 0;
  while (index < format.length) {
    if (format[index] !== '$') {
      literal += format[index];
      index++;
      continue;
    }
    index++;
    let bracket = false;
    if (format[index] === '{') {
      bracket = true;
      index++;
    }
    const start = index;
    while (index < format.length && /[A-Za-z0-9_]/.test(format[index] as string)) index++;
    const name = format.slice(start, index);
    if (bracket) {
      if (format[index] !== '}') throw new Error(`The closing bracket of "\${${name}" is missing in the log format.`);
      index++;
    }
    if (name === '') throw new Error(`A "$" in the log format is not followed by a variable name (at ${start - 1}).`);
    literals.push(literal);
    variables.push(name);
    literal = '';
  }
  literals.push(literal);
  return { literals, variables };
}

interface Token {
  text: string;
  quoted: boolean;
}

/**
 * Tokenizes nginx.conf text up to the first `;` outside quotes: whitespace-separated words and
 * quoted strings, with the escapes the nginx tokenizer removes in quotes (\" \' \\ \t \r \n).
 * Returns undefined when a quote is not closed or text follows the `;`.
 */
function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === ';') return text.slice(index + 1).trim() === '' ? tokens : undefined;
    if (char === '#') {
      while (index < text.length && text[index] !== '\n') index++;
      continue;
    }
    if (char === '"' || char === "'") {
      let value = '';
      index++;
      while (index < text.length && text[index] !== char) {
        if (text[index] === '\\' && index + 1 < text.length) {
          const next = text[index + 1] as string;
          const unescaped = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' }[next];
          value += unescaped ?? `\\${next}`;
          index += 2;
          continue;
        }
        value += text[index];
        index++;
      }
      if (index >= text.length) return undefined;
      index++;
      tokens.push({ text: value, quoted: true });
      continue;
    }
    const start = index;
    while (index < text.length && !/[\s;]/.test(text[index] as string)) index++;
    tokens.push({ text: text.slice(start, index), quoted: false });
  }
  return tokens;
}
