/** One thing wrong with a configuration, at a dotted path such as `exporters.otlp_http.endpoint`. */
export interface Problem {
  path: string;
  message: string;
}

/** Joins a parent path and a key into a dotted path. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/** Formats problems one per line, `path: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message)).join('\n');
}

/** Describes a value for an error message: its type and, when short, the value itself. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
