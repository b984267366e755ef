// The `wasm` processor's config: its schema, the rules between options, and the checks that need
// the file and the plugin itself (validate loads it, asks describe and runs configure, so a
// config the plugin rejects stops `wasmpipe validate` with the plugin's own message).

import { errorMessage, type Infer, type Problem, s, type ValidateContext } from '@wasmpipe/core';
import { type StateBackend, StateConfigSchema } from '../state/state-backend.ts';
import { ByteSizeSchema } from './byte-size.ts';
import { DEFAULT_TIMEOUT, type LoadStage, loadConfiguredPlugin, loadStage } from './load.ts';
import { resolvePath } from './resolve-path.ts';

/** Workers a plugin runs in when the config does not say (0 would mean the pipeline's thread). */
export const DEFAULT_WORKERS = 1;

/** The config schema of a `wasm/<name>` processor whose `state.backend` may name these backends too. */
export function wasmConfigSchemaWith(backends: readonly StateBackend[]) {
  return s.object({
    path: s.string({ nonEmpty: true }).describe('Path of the plugin .wasm file, relative to the config file.'),
    sha256: s
      .string({ pattern: /^[0-9a-fA-F]{64}$/, patternHint: '64 hexadecimal digits (a SHA-256 digest)' })
      .optional()
      .describe('Pinned SHA-256 of the module; any other module is refused.'),
    config: s.unknown().optional().describe("The plugin's own config, handed to its configure operation as msgpack."),
    max_memory: new ByteSizeSchema({ min: 64 * 1024, max: 4 * 1024 ** 3 })
      .default('64MiB')
      .describe(
        'The most linear memory the plugin may use; a larger declared minimum is refused, growth past it fails.',
      ),
    workers: s
      .integer({ min: 0, max: 64 })
      .default(DEFAULT_WORKERS)
      .describe('Worker threads running the plugin; 0 runs it in the pipeline thread (no timeout possible).'),
    timeout: s
      .duration({ min: 1 })
      .optional()
      .describe(`How long one call may run before its worker is terminated and replaced (default ${DEFAULT_TIMEOUT}).`),
    on_error: s
      .enum(['pass', 'drop', 'dead_letter'])
      .default('pass')
      .describe(
        'What happens to a batch when the plugin fails: pass it on unchanged, drop it, or send it to dead_letter.',
      ),
    dead_letter: s
      .string({ nonEmpty: true })
      .optional()
      .describe('The exporter id that receives failed batches when on_error is dead_letter.'),
    reload: s.boolean().default(false).describe('Reload the plugin when its file changes (SIGHUP always does).'),
    reload_interval: s.duration({ min: 10 }).default('2s').describe('How often the file is checked when reload is on.'),
    state: new StateConfigSchema(backends)
      .optional()
      .describe(
        "The plugin's key-value state store: backend file (memory, or the file at path) or another registered backend.",
      ),
    wasi_clock: s
      .enum(['zero', 'real'])
      .default('zero')
      .describe('What WASI clock_time_get answers: 0, or the host clock.'),
  });
}

/** The config schema of a `wasm/<name>` processor with the built-in `file` state backend only. */
export const wasmConfigSchema = wasmConfigSchemaWith([]);

/** The checked config a `wasm` processor receives. */
export type WasmProcessorConfig = Infer<typeof wasmConfigSchema>;

/** Problems between options, each at its own path. */
export function checkOptionRules(config: WasmProcessorConfig, at: (key: string) => string): Problem[] {
  const problems: Problem[] = [];
  if (config.workers === 0 && config.timeout !== undefined) {
    problems.push({
      path: at('timeout'),
      message: 'a plugin in the pipeline thread (workers: 0) cannot be stopped; use workers: 1 or more for a timeout',
    });
  }
  if (config.on_error === 'dead_letter' && config.dead_letter === undefined) {
    problems.push({ path: at('dead_letter'), message: 'is required when on_error is dead_letter (an exporter id)' });
  }
  if (config.on_error !== 'dead_letter' && config.dead_letter !== undefined) {
    problems.push({
      path: at('dead_letter'),
      message: `applies only with on_error: dead_letter (on_error is ${config.on_error})`,
    });
  }
  if (config.reload && config.sha256) {
    problems.push({
      path: at('reload'),
      message: 'cannot be combined with a sha256 pin: a changed module never matches the pin',
    });
  }
  return problems;
}

/**
 * Checks the options, then the plugin: the file exists, is WebAssembly, matches its pin, fits the
 * memory ceiling, meets the contract's interface, describes a compatible contract version and
 * accepts its config.
 */
export async function validateWasmConfig(
  config: WasmProcessorConfig,
  context: ValidateContext,
  backends: readonly StateBackend[] = [],
): Promise<Problem[]> {
  const at = (key: string) => `${context.path}.${key}`;
  const rules = checkOptionRules(config, at);
  if (rules.length > 0) return rules;
  const state = config.state;
  if (state && 'options' in state) {
    const backend = backends.find((candidate) => candidate.name === state.backend);
    const problems = (await backend?.validate?.(state.options, { ...context, path: at('state') })) ?? [];
    if (problems.length > 0) return problems;
  }
  const path = resolvePath(context.configDirectory, config.path);
  if (!(await context.platform.isFile(path))) return [{ path: at('path'), message: `no plugin file at ${path}` }];
  let bytes: Uint8Array;
  try {
    bytes = await context.platform.readFile(path);
  } catch (error) {
    return [{ path: at('path'), message: `cannot read ${path}: ${errorMessage(error)}` }];
  }
  try {
    const { plugin } = await loadConfiguredPlugin(bytes, config, { workers: Math.min(config.workers, 1) });
    await plugin.close();
    return [];
  } catch (error) {
    return [{ path: at(KEY_OF_STAGE[loadStage(error) ?? 'start']), message: `${path}: ${errorMessage(error)}` }];
  }
}

/** The config key a load failure is reported at. */
const KEY_OF_STAGE: Record<LoadStage, string> = {
  sha256: 'sha256',
  memory: 'max_memory',
  module: 'path',
  start: 'path',
  describe: 'path',
  contract: 'path',
  configure: 'config',
};
