// The `wasm` processor's config: its schema, and the checks that need the file (validate).

import { type Infer, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { checkModuleInterface, checkSha256, hasWasmMagic } from '../plugin/validate-module.ts';
import { resolvePath } from './resolve-path.ts';

/** The config schema of a `wasm/<name>` processor. */
export const wasmConfigSchema = s.object({
  path: s.string({ nonEmpty: true }).describe('Path of the plugin .wasm file, relative to the config file.'),
  sha256: s
    .string({ pattern: /^[0-9a-fA-F]{64}$/, patternHint: '64 hexadecimal digits (a SHA-256 digest)' })
    .optional()
    .describe('Pinned SHA-256 of the module; any other module is refused.'),
  config: s.unknown().optional().describe("The plugin's own config, handed to its configure operation."),
  on_error: s
    .enum(['pass', 'drop'])
    .default('pass')
    .describe('What happens to a batch when the plugin fails or traps: pass it on unchanged, or drop it.'),
});

/** The checked config a `wasm` processor receives. */
export type WasmProcessorConfig = Infer<typeof wasmConfigSchema>;

/** Checks that the plugin file exists, is WebAssembly, matches its pin and meets the contract's interface. */
export async function validateWasmConfig(config: WasmProcessorConfig, context: ValidateContext): Promise<Problem[]> {
  const path = resolvePath(context.configDirectory, config.path);
  const at = (key: string) => `${context.path}.${key}`;
  if (!(await context.platform.isFile(path))) return [{ path: at('path'), message: `no plugin file at ${path}` }];
  let bytes: Uint8Array;
  try {
    bytes = await context.platform.readFile(path);
  } catch (error) {
    return [
      { path: at('path'), message: `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}` },
    ];
  }
  if (!hasWasmMagic(bytes)) return [{ path: at('path'), message: `${path} is not a WebAssembly module` }];
  const problems: Problem[] = [];
  if (config.sha256) {
    const mismatch = await checkSha256(bytes, config.sha256);
    if (mismatch) problems.push({ path: at('sha256'), message: mismatch });
  }
  try {
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    for (const message of checkModuleInterface(module)) problems.push({ path: at('path'), message });
  } catch (error) {
    problems.push({
      path: at('path'),
      message: `${path} does not compile: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return problems;
}
