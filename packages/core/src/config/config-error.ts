import { WasmpipeError } from '../errors/errors.ts';
import { formatProblems, type Problem } from './problems.ts';

/** A config that cannot run, with every problem found. Never retryable. */
export class ConfigError extends WasmpipeError {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], source = 'The config') {
    super(`${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
