// `npm run build` in contracts/: writes the generated host codec and guest bindings in place.
// `--out DIR` writes them under DIR instead (the staleness test uses a temporary directory).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from './generate.ts';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outFlag = process.argv.indexOf('--out');
const outDirectory = outFlag >= 0 ? resolve(process.argv[outFlag + 1] ?? '.') : repositoryRoot;

const files = generateAll();
for (const [path, content] of files) {
  const target = join(outDirectory, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.log(`Generated ${files.size} file(s) from contracts/wasmpipe.apexlang into ${outDirectory}.`);
