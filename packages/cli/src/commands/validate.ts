import { formatProblems, type Platform } from '@wasmpipe/core';
import { loadConfig } from '../load-config.ts';

/** `wasmpipe validate --config FILE`: checks a config and prints every problem; returns the exit code. */
export async function validateCommand(
  path: string | undefined,
  platform: Platform,
  print: (line: string) => void,
): Promise<number> {
  const result = await loadConfig(path, platform);
  if (!result.ok) {
    print(
      `${result.source} is not valid (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):`,
    );
    for (const line of formatProblems(result.problems).split('\n')) print(`  ${line}`);
    return 1;
  }
  const { config } = result;
  print(
    `${result.source} is valid: ${config.pipelines.length} pipeline(s), ${config.collectors.size} collector(s), ` +
      `${config.processors.size} processor(s), ${config.exporters.size} exporter(s).`,
  );
  return 0;
}
