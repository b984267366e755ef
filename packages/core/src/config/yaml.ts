import { parseDocument } from 'yaml';
import type { Problem } from './problems.ts';

/** The outcome of reading YAML text: the decoded value, or what is wrong and on which line. */
export type YamlResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

/** Decodes YAML text; syntax errors come back as problems naming the source, line and column. */
export function parseYaml(text: string, source: string): YamlResult {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `${source}:${position.line}:${position.col}` : source;
        return {
          path: where,
          message: `invalid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
        };
      }),
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    // The yaml library throws (a ReferenceError) when aliases expand past maxAliasCount: an
    // alias bomb is a problem with the config, not a crash of the loader (found by fuzzing).
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ path: source, message: `invalid YAML: ${reason}` }] };
  }
}
