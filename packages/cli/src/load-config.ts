import { type CompiledConfig, compileConfig, type Platform, type Problem, parseYaml } from '@wasmpipe/core';
import { createBuiltInRegistry } from './components.ts';
import { defaultConfigYaml } from './default-config.ts';

/** A loaded config, or what is wrong with it. */
export type LoadResult =
  | { ok: true; config: CompiledConfig; source: string /** The YAML as read (a reload compares it). */; text: string }
  | { ok: false; problems: Problem[]; source: string };

/** Reads, decodes and checks a config file, or the embedded default when `path` is undefined. */
export async function loadConfig(path: string | undefined, platform: Platform): Promise<LoadResult> {
  const source = path ?? '<embedded default>';
  let text: string;
  try {
    text = path === undefined ? defaultConfigYaml((name) => platform.env(name)) : await platform.readTextFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' || (error as Error).name === 'NotFound' ? 'no such file' : (error as Error).message;
    return { ok: false, source, problems: [{ path: source, message: `cannot read the config: ${reason}` }] };
  }
  const parsed = parseYaml(text, source);
  if (!parsed.ok) return { ok: false, source, problems: parsed.problems };
  const configDirectory = path === undefined ? platform.cwd() : directoryOf(path, platform.cwd());
  const result = await compileConfig(parsed.value, { registry: createBuiltInRegistry(), platform, configDirectory });
  return result.ok
    ? { ok: true, config: result.config, source, text }
    : { ok: false, source, problems: result.problems };
}

function directoryOf(path: string, cwd: string): string {
  const absolute = path.startsWith('/') ? path : `${cwd}/${path}`;
  const slash = absolute.lastIndexOf('/');
  return slash <= 0 ? '/' : absolute.slice(0, slash);
}
