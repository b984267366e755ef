import { joinPath, type Problem, Schema, s } from '@wasmpipe/core';
import { compileFilter, type MatchType, type NameFilter } from '../host-metrics/filter.ts';

/** What a process is matched on. */
export interface ProcessIdentity {
  /** `process.executable.name`. */
  name: string;
  /** `process.executable.path`; undefined for kernel threads or without permission. */
  executable: string | undefined;
  /** `process.command_line`, arguments joined by spaces. */
  commandLine: string | undefined;
}

/** A compiled process filter: a process matches when any of its non-empty lists matches. */
export interface ProcessFilter {
  readonly names: NameFilter;
  readonly executables: NameFilter;
  readonly commandLines: NameFilter;
  /** True when no list has an entry. */
  readonly empty: boolean;
  /** Whether matching needs the executable path or the command line (they cost a read each). */
  readonly needs: { executable: boolean; commandLine: boolean };
  matches(process: ProcessIdentity): boolean;
}

type ProcessFilterInput = {
  names?: string[];
  executables?: string[];
  command_lines?: string[];
  match_type?: MatchType;
};

const LISTS = ['names', 'executables', 'command_lines'] as const;

class ProcessFilterSchema extends Schema<ProcessFilter, ProcessFilterInput> {
  readonly #inner = s.object({
    names: s.array(s.string()).default([]),
    executables: s.array(s.string()).default([]),
    command_lines: s.array(s.string()).default([]),
    match_type: s.enum(['strict', 'regexp'] as const).default('strict'),
  });

  parse(value: unknown, path: string, problems: Problem[]): ProcessFilter | undefined {
    const parsed = this.#inner.parse(value, path, problems);
    if (!parsed) return undefined;
    const before = problems.length;
    if (parsed.match_type === 'regexp') {
      for (const list of LISTS) {
        parsed[list].forEach((pattern, index) => {
          try {
            new RegExp(pattern);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            problems.push({
              path: joinPath(joinPath(path, list), index),
              message: `invalid regular expression: ${reason}`,
            });
          }
        });
      }
    }
    if (problems.length > before) return undefined;
    const names = compileFilter(parsed.names, parsed.match_type);
    const executables = compileFilter(parsed.executables, parsed.match_type);
    const commandLines = compileFilter(parsed.command_lines, parsed.match_type);
    return {
      names,
      executables,
      commandLines,
      empty: LISTS.every((list) => parsed[list].length === 0),
      needs: { executable: parsed.executables.length > 0, commandLine: parsed.command_lines.length > 0 },
      matches: (process) =>
        (names.names.length > 0 && names.matches(process.name)) ||
        (executables.names.length > 0 && process.executable !== undefined && executables.matches(process.executable)) ||
        (commandLines.names.length > 0 &&
          process.commandLine !== undefined &&
          commandLines.matches(process.commandLine)),
    };
  }
}

/** An `include` or `exclude` option of processes: `{ names, executables, command_lines, match_type }`. */
export function processFilterOption(): ProcessFilterSchema {
  return new ProcessFilterSchema();
}
