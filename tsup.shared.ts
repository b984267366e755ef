import type { Options } from 'tsup';

/** The build every package shares: ESM with type declarations, from `src/index.ts`. */
export function packageBuild(overrides: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    ...overrides,
  };
}
