import { joinPath, type Problem, Schema, s } from '@wasmpipe/core';

/** How the names of a filter are compared, as in the contrib receiver's filter sets. */
export type MatchType = 'strict' | 'regexp';

/** A compiled include or exclude list. */
export interface NameFilter {
  readonly names: readonly string[];
  readonly matchType: MatchType;
  /** True when `name` equals one of the names (strict) or one of the expressions finds a match in it (regexp). */
  matches(name: string): boolean;
}

/** Compiles a list; throws on an invalid regular expression. */
export function compileFilter(names: readonly string[], matchType: MatchType): NameFilter {
  if (matchType === 'strict') {
    const set = new Set(names);
    return { names, matchType, matches: (name) => set.has(name) };
  }
  // Unanchored, as Go's regexp.MatchString in the contrib receiver: anchor with ^ and $ to match whole names.
  const expressions = names.map((name) => new RegExp(name));
  return { names, matchType, matches: (name) => expressions.some((expression) => expression.test(name)) };
}

type FilterInput<K extends string> = { [key in K]?: string[] } & { match_type?: MatchType };

/**
 * A filter option such as `include: { devices: [sda, sdb], match_type: strict }`: a list under
 * `listKey` and a `match_type`. Regular expressions are compiled while the config is checked, so
 * an invalid one is reported with its path before anything starts.
 */
class FilterSchema<K extends string> extends Schema<NameFilter, FilterInput<K>> {
  readonly #listKey: K;
  readonly #inner;

  constructor(listKey: K) {
    super();
    this.#listKey = listKey;
    this.#inner = s.object({
      [listKey]: s.array(s.string()).default([]),
      match_type: s.enum(['strict', 'regexp'] as const).default('strict'),
    } as Record<string, Schema<unknown, unknown>>);
  }

  parse(value: unknown, path: string, problems: Problem[]): NameFilter | undefined {
    const parsed = this.#inner.parse(value, path, problems) as Record<string, unknown> | undefined;
    if (!parsed) return undefined;
    const names = parsed[this.#listKey] as string[];
    const matchType = parsed['match_type'] as MatchType;
    let valid = true;
    if (matchType === 'regexp') {
      names.forEach((name, index) => {
        try {
          new RegExp(name);
        } catch (error) {
          valid = false;
          const reason = error instanceof Error ? error.message : String(error);
          problems.push({
            path: joinPath(joinPath(path, this.#listKey), index),
            message: `invalid regular expression: ${reason}`,
          });
        }
      });
    }
    return valid ? compileFilter(names, matchType) : undefined;
  }
}

/** A filter option whose names sit under `listKey` (`devices`, `interfaces`, `mount_points`...). */
export function filterOption<const K extends string>(listKey: K): FilterSchema<K> {
  return new FilterSchema(listKey);
}

/** True when `name` passes an include list (when there is one) and no exclude list matches it. */
export function passes(name: string, include: NameFilter | undefined, exclude: NameFilter | undefined): boolean {
  if (include && include.names.length > 0 && !include.matches(name)) return false;
  return !exclude?.matches(name);
}
