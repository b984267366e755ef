import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// The binary (`src/main.ts`) is a second entry; only the library entry gets declarations.
export default defineConfig(packageBuild({ entry: ['src/index.ts', 'src/main.ts'], dts: { entry: 'src/index.ts' } }));
