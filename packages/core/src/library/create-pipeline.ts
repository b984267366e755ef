import type { ComponentDefinition, ConfigInput } from '../component/define.ts';
import { Registry } from '../component/registry.ts';
import { compileConfig } from '../config/compile.ts';
import { ConfigError } from '../config/config-error.ts';
import type { Signal } from '../model/common.ts';
import { Service } from '../pipeline/service.ts';
import { getPlatform } from '../platform/index.ts';
import type { Platform } from '../platform/types.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import type { Telemetry } from '../telemetry/telemetry.ts';

/** A component type with the config to run it with, for {@link createPipeline}. */
export interface ComponentUse<D extends ComponentDefinition = ComponentDefinition> {
  readonly definition: D;
  readonly config: ConfigInput<D>;
  /** Makes the id `type/name`; needed when one type is used twice. */
  readonly name: string | undefined;
}

/** Pairs a component type with its config; a wrong option is a compile error. */
export function use<D extends ComponentDefinition>(
  definition: D,
  config: ConfigInput<D>,
  name?: string,
): ComponentUse<D> {
  return { definition, config, name };
}

/** One pipeline composed in code. */
export interface PipelineOptions {
  /** The signal the pipeline carries; defaults to metrics. */
  signal?: Signal;
  collectors: readonly ComponentUse[];
  processors?: readonly ComponentUse[];
  exporters: readonly ComponentUse[];
  logger?: Logger;
  platform?: Platform;
  telemetry?: Telemetry;
  /** What relative paths (plugin files) are resolved against; defaults to the working directory. */
  configDirectory?: string;
}

/**
 * Builds a service running one pipeline from components composed in code, through the same
 * validation as a YAML config. Rejects with a {@link ConfigError} listing every problem.
 */
export async function createPipeline(options: PipelineOptions): Promise<Service> {
  const platform = options.platform ?? getPlatform();
  const signal = options.signal ?? 'metrics';
  const registry = new Registry();
  const raw: Record<string, Record<string, unknown>> = { collectors: {}, processors: {}, exporters: {} };
  const idsOf = (section: 'collectors' | 'processors' | 'exporters', uses: readonly ComponentUse[]) =>
    uses.map((entry) => {
      if (!registry.get(entry.definition.kind, entry.definition.type)) registry.register(entry.definition);
      const id = entry.name ? `${entry.definition.type}/${entry.name}` : entry.definition.type;
      if (id in (raw[section] as object))
        throw new ConfigError([
          { path: `${section}.${id}`, message: 'is used twice; give one a name with use(definition, config, name)' },
        ]);
      (raw[section] as Record<string, unknown>)[id] = entry.config;
      return id;
    });
  raw['pipelines'] = {
    [signal]: {
      collectors: idsOf('collectors', options.collectors),
      processors: idsOf('processors', options.processors ?? []),
      exporters: idsOf('exporters', options.exporters),
    },
  };
  const result = await compileConfig(raw, {
    registry,
    platform,
    configDirectory: options.configDirectory ?? platform.cwd(),
  });
  if (!result.ok) throw new ConfigError(result.problems, 'The pipeline');
  return new Service(result.config, {
    platform,
    logger: options.logger ?? createLogger({ level: result.config.log.level }),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  });
}
