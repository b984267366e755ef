// Runs every generator over the contract and returns the files they produce, keyed by path from
// the repository root. Writing them is the caller's business (main.ts writes them in place; the
// staleness test compares them with what is committed).

import { emitAssemblyScript } from './emit-assemblyscript.ts';
import { emitTypeScript } from './emit-typescript.ts';
import { readContract } from './idl.ts';

/** Where the generated TypeScript host codec goes. */
export const TYPESCRIPT_DIRECTORY = 'packages/host-wapc/src/generated';

/** Where the generated AssemblyScript guest bindings go. */
export const ASSEMBLYSCRIPT_DIRECTORY = 'plugins/sdk-assemblyscript/assembly/generated';

/** Every generated file, by path from the repository root. */
export function generateAll(source?: string): Map<string, string> {
  const model = readContract(source);
  const files = new Map<string, string>();
  for (const [name, content] of emitTypeScript(model)) files.set(`${TYPESCRIPT_DIRECTORY}/${name}`, content);
  for (const [name, content] of emitAssemblyScript(model)) files.set(`${ASSEMBLYSCRIPT_DIRECTORY}/${name}`, content);
  return files;
}
