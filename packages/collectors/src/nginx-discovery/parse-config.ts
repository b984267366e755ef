import { dirname, isAbsolute, resolve } from 'node:path';
import { expandGlob, type GlobFileSystem, hasGlob } from './glob.ts';
import { NginxConfigSyntaxError, type Token, tokenize } from './tokenize.ts';

/** One directive of nginx.conf with its arguments, where it was written, and its block if any. */
export interface Directive {
  name: string;
  args: string[];
  file: string;
  line: number;
  /** The directives inside `{ ... }`, includes already expanded in place. */
  block?: Directive[];
}

/** What reading a config needs from the file system. */
export interface ConfigFileSystem extends GlobFileSystem {
  readTextFile(path: string): Promise<string>;
}

/** The parsed config: the main file's directives (includes expanded), the files read, and problems. */
export interface ParsedConfig {
  directives: Directive[];
  files: string[];
  /** Things that did not stop parsing: an include that matched nothing, an unreadable include. */
  problems: string[];
}

/**
 * Reads nginx.conf and every file it includes, and returns the directive tree. A relative include
 * is resolved against the main config's directory (nginx's conf prefix), as nginx does; globs
 * expand in sorted order and may match nothing. Include loops stop at a depth of 32.
 */
export async function parseNginxConfig(configPath: string, files: ConfigFileSystem): Promise<ParsedConfig> {
  const mainPath = resolve(configPath);
  const state: ParseState = { files, confPrefix: dirname(mainPath), read: [], problems: [] };
  const directives = await parseFile(mainPath, state, 0);
  return { directives, files: state.read, problems: state.problems };
}

interface ParseState {
  files: ConfigFileSystem;
  confPrefix: string;
  read: string[];
  problems: string[];
}

async function parseFile(path: string, state: ParseState, depth: number): Promise<Directive[]> {
  if (depth > 32) throw new Error(`${path}: includes are nested more than 32 deep (an include loop?)`);
  const text = await state.files.readTextFile(path);
  state.read.push(path);
  const tokens = tokenize(text, path);
  const cursor = { index: 0 };
  const directives = await parseBlock(tokens, cursor, path, state, depth, false);
  return directives;
}

async function parseBlock(
  tokens: Token[],
  cursor: { index: number },
  file: string,
  state: ParseState,
  depth: number,
  nested: boolean,
): Promise<Directive[]> {
  const directives: Directive[] = [];
  while (cursor.index < tokens.length) {
    const token = tokens[cursor.index] as Token;
    if (token.type === '}') {
      if (!nested) throw new NginxConfigSyntaxError(file, token.line, 'unexpected "}"');
      cursor.index++;
      return directives;
    }
    if (token.type !== 'word') throw new NginxConfigSyntaxError(file, token.line, `unexpected "${token.type}"`);
    const name = token.value;
    const args: string[] = [];
    cursor.index++;
    for (;;) {
      const next = tokens[cursor.index];
      if (next === undefined) {
        throw new NginxConfigSyntaxError(
          file,
          token.line,
          `unexpected end of file, expecting ";" or "}" after "${name}"`,
        );
      }
      cursor.index++;
      if (next.type === 'word') {
        args.push(next.value);
        continue;
      }
      if (next.type === ';') {
        if (name === 'include' && args.length === 1) {
          directives.push(...(await include(args[0] as string, file, token.line, state, depth)));
        } else {
          directives.push({ name, args, file, line: token.line });
        }
        break;
      }
      if (next.type === '{') {
        const block = await parseBlock(tokens, cursor, file, state, depth, true);
        directives.push({ name, args, file, line: token.line, block });
        break;
      }
      throw new NginxConfigSyntaxError(file, next.line, `unexpected "}" after "${name}"`);
    }
  }
  if (nested)
    throw new NginxConfigSyntaxError(
      file,
      tokens[tokens.length - 1]?.line ?? 1,
      'unexpected end of file, expecting "}"',
    );
  return directives;
}

async function include(
  pattern: string,
  file: string,
  line: number,
  state: ParseState,
  depth: number,
): Promise<Directive[]> {
  const absolute = isAbsolute(pattern) ? pattern : resolve(state.confPrefix, pattern);
  const paths = hasGlob(absolute) ? await expandGlob(absolute, state.files) : [absolute];
  if (paths.length === 0 && hasGlob(absolute)) return [];
  const directives: Directive[] = [];
  for (const path of paths) {
    try {
      directives.push(...(await parseFile(path, state, depth + 1)));
    } catch (error) {
      if (error instanceof NginxConfigSyntaxError) throw error;
      state.problems.push(
        `${file}:${line}: include ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return directives;
}
