import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// The plugin worker is a second entry: dist/plugin-worker.js, started by the worker pool from beside
// dist/index.js. Only the library entry gets declarations.
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', 'plugin-worker': 'src/isolation/plugin-worker.ts' },
    dts: { entry: { index: 'src/index.ts' } },
  }),
);
