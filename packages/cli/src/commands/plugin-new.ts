// `wasmpipe plugin new NAME [--dir DIR]`: writes an AssemblyScript plugin project from the
// templates in `templates/assemblyscript/`, ready to build and to pass its own fixture test.

import { errorMessage, type Platform } from '@wasmpipe/core';
import { version } from '../version.ts';
import type { CommandOutput } from './plugin-test.ts';

/** Options of `wasmpipe plugin new`. */
export interface PluginNewOptions {
  name: string;
  directory: string | undefined;
}

/** A plugin name: it names the package, the .wasm file and the `wasm/<name>` processor. */
const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** Template files whose name in the project differs (npm drops `.gitignore` from packages). */
const RENAMED: Record<string, string> = { gitignore: '.gitignore' };

/** Scaffolds the project; resolves with the exit code. */
export async function pluginNewCommand(
  options: PluginNewOptions,
  platform: Platform,
  output: CommandOutput,
): Promise<number> {
  const { name } = options;
  if (!NAME.test(name)) {
    output.err(
      `"${name}" cannot name a plugin: use lower-case letters, digits and dashes, starting with a letter (it names the package, build/${name}.wasm and wasm/${name}).`,
    );
    return 2;
  }
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const target = path.resolve(options.directory ?? platform.cwd(), name);
  const existing = await fs.readdir(target).catch(() => undefined);
  if (existing && existing.length > 0) {
    output.err(`${target} already exists and is not empty; nothing was written.`);
    return 1;
  }
  const templates = await templateDirectory(fs);
  if (!templates) {
    output.err('The plugin templates are missing from this wasmpipe installation (templates/assemblyscript).');
    return 1;
  }
  const values: Record<string, string> = {
    name,
    className: name.replace(/(^|-)([a-z0-9])/g, (_match, _dash, letter: string) => letter.toUpperCase()),
    // The AssemblyScript SDK is released with wasmpipe; it reports the contract version itself.
    sdkVersion: version,
    wasmpipeVersion: version,
  };
  const written: string[] = [];
  try {
    for (const relative of await listFiles(fs, path, templates)) {
      const base = relative.replace(/\.tmpl$/, '');
      const renamed = base
        .split('/')
        .map((part) => RENAMED[part] ?? part)
        .join('/');
      const text = (await fs.readFile(path.join(templates, relative), 'utf8')).replace(
        /\{\{(\w+)\}\}/g,
        (match, key: string) => values[key] ?? match,
      );
      const file = path.join(target, renamed);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, text);
      written.push(renamed);
    }
  } catch (error) {
    output.err(`Writing ${target} failed: ${errorMessage(error)}`);
    return 1;
  }
  output.out(`Created the plugin ${name} in ${target}:`);
  for (const file of written.sort()) output.out(`  ${file}`);
  output.out('');
  output.out('Next:');
  output.out(`  cd ${path.relative(platform.cwd(), target) || '.'}`);
  output.out('  npm install');
  output.out(`  npm run build   # build/${name}.wasm`);
  output.out('  npm test        # runs fixtures/ through the wasmpipe host');
  return 0;
}

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

/** The templates ship beside the bundle (dist/../templates) and beside the sources (src/commands/../../templates). */
async function templateDirectory(fs: Fs): Promise<string | undefined> {
  const { fileURLToPath } = await import('node:url');
  for (const candidate of ['../templates/assemblyscript/', '../../templates/assemblyscript/']) {
    const directory = fileURLToPath(new URL(candidate, import.meta.url));
    if (
      await fs.stat(directory).then(
        (stat) => stat.isDirectory(),
        () => false,
      )
    )
      return directory;
  }
  return undefined;
}

async function listFiles(fs: Fs, path: Path, root: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(path.join(root, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(fs, path, root, relative)));
    else files.push(relative);
  }
  return files;
}
