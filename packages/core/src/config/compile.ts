import type {
  CollectorDefinition,
  ComponentDefinition,
  ComponentKind,
  ExporterDefinition,
  ProcessorDefinition,
} from '../component/define.ts';
import type { Registry } from '../component/registry.ts';
import { parseDeliveryOptions, type SendingQueueConfig } from '../delivery/delivery-config.ts';
import type { RetryConfig } from '../delivery/retry.ts';
import { SIGNALS, type Signal } from '../model/common.ts';
import type { Platform } from '../platform/types.ts';
import { substituteEnv } from './env.ts';
import { describeValue, joinPath, type Problem } from './problems.ts';
import { isPlainObject, s } from './schema.ts';

/** A component as the config declares it: its id, type definition and checked config. */
export interface CompiledComponent<D extends ComponentDefinition = ComponentDefinition> {
  id: string;
  definition: D;
  config: unknown;
}

/** An exporter also carries its delivery settings: `sending_queue` and `retry_on_failure`. */
export interface CompiledExporter extends CompiledComponent<ExporterDefinition> {
  sendingQueue: SendingQueueConfig;
  retry: RetryConfig;
}

/** One pipeline: which collectors feed which processors and exporters, for one signal. */
export interface CompiledPipeline {
  id: string;
  signal: Signal;
  collectors: string[];
  processors: string[];
  exporters: string[];
}

/** A config with every problem resolved, ready to build a service from. */
export interface CompiledConfig {
  configDirectory: string;
  collectors: Map<string, CompiledComponent<CollectorDefinition>>;
  processors: Map<string, CompiledComponent<ProcessorDefinition>>;
  exporters: Map<string, CompiledExporter>;
  pipelines: CompiledPipeline[];
  admin: { hostname: string; port: number } | undefined;
  log: { level: 'debug' | 'info' | 'warn' | 'error'; format: 'text' | 'json' };
}

/** Where a config came from, and what to resolve it against. */
export interface CompileOptions {
  registry: Registry;
  platform: Platform;
  /** The directory relative paths are resolved against (the config file's directory). */
  configDirectory: string;
  /** Environment lookup for `${env:NAME}`; defaults to the platform's. */
  env?: (name: string) => string | undefined;
}

/** The outcome of compiling: a config, or every problem found. */
export type CompileResult = { ok: true; config: CompiledConfig } | { ok: false; problems: Problem[] };

const SECTIONS: Record<string, ComponentKind> = {
  collectors: 'collector',
  processors: 'processor',
  exporters: 'exporter',
};
const TOP_LEVEL = ['collectors', 'processors', 'exporters', 'pipelines', 'admin', 'log'];
const COMPONENT_ID = /^[a-z][a-z0-9_]*(\/[A-Za-z0-9_.-]+)?$/;

const logSchema = s.object({
  level: s.enum(['debug', 'info', 'warn', 'error']).default('info'),
  format: s.enum(['text', 'json']).default('text'),
});
const adminSchema = s.object({
  endpoint: s.string({ pattern: /^[^:\s]+:\d{1,5}$/, patternHint: 'host:port such as "127.0.0.1:13133"' }),
});
const pipelineSchema = s.object({
  collectors: s.array(s.string(), { minItems: 1 }),
  processors: s.array(s.string()).default([]),
  exporters: s.array(s.string(), { minItems: 1 }),
});

/**
 * Checks a decoded config against the registry and returns it compiled, or returns every
 * problem found, each with its dotted path. Nothing is created or started here.
 */
export async function compileConfig(raw: unknown, options: CompileOptions): Promise<CompileResult> {
  const problems: Problem[] = [];
  const env = options.env ?? ((name: string) => options.platform.env(name));
  const root = substituteEnv(raw ?? {}, env, '', problems);
  if (!isPlainObject(root))
    return {
      ok: false,
      problems: [{ path: '', message: `expected a map at the top level, got ${describeValue(root)}` }],
    };

  for (const key of Object.keys(root)) {
    if (!TOP_LEVEL.includes(key))
      problems.push({ path: key, message: `unknown section; expected one of ${TOP_LEVEL.join(', ')}` });
  }

  const compiled: CompiledConfig = {
    configDirectory: options.configDirectory,
    collectors: new Map(),
    processors: new Map(),
    exporters: new Map(),
    pipelines: [],
    admin: undefined,
    log: logSchema.parse(root['log'] ?? {}, 'log', problems) ?? { level: 'info', format: 'text' },
  };

  for (const [section, kind] of Object.entries(SECTIONS)) {
    const entries = root[section] ?? {};
    if (!isPlainObject(entries)) {
      problems.push({
        path: section,
        message: `expected a map of component ids to their config, got ${describeValue(entries)}`,
      });
      continue;
    }
    for (const [id, value] of Object.entries(entries)) {
      const component = await compileComponent(kind, id, value, joinPath(section, id), options, problems);
      if (!component) continue;
      if (kind === 'collector') compiled.collectors.set(id, component as CompiledComponent<CollectorDefinition>);
      else if (kind === 'processor') compiled.processors.set(id, component as CompiledComponent<ProcessorDefinition>);
      else compiled.exporters.set(id, component as CompiledExporter);
    }
  }

  if (root['admin'] !== undefined) {
    const admin = adminSchema.parse(root['admin'], 'admin', problems);
    if (admin) {
      const separator = admin.endpoint.lastIndexOf(':');
      compiled.admin = {
        hostname: admin.endpoint.slice(0, separator),
        port: Number(admin.endpoint.slice(separator + 1)),
      };
    }
  }

  compilePipelines(root, compiled, problems);
  checkExporterReferences(root, compiled, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: compiled };
}

async function compileComponent(
  kind: ComponentKind,
  id: string,
  value: unknown,
  path: string,
  options: CompileOptions,
  problems: Problem[],
): Promise<CompiledComponent | CompiledExporter | undefined> {
  if (!COMPONENT_ID.test(id)) {
    problems.push({
      path,
      message: 'a component id is "type" or "type/name", with a lowercase type such as host_metrics',
    });
    return undefined;
  }
  const type = id.split('/')[0] as string;
  const definition = options.registry.get(kind, type);
  if (!definition) {
    const known = options.registry.types(kind);
    problems.push({ path, message: `unknown ${kind} type "${type}"; known types: ${known.join(', ') || 'none'}` });
    return undefined;
  }
  let body: unknown = value ?? {};
  let delivery: Omit<ReturnType<typeof parseDeliveryOptions>, 'rest'> | undefined;
  if (kind === 'exporter') {
    const { rest, ...settings } = parseDeliveryOptions(body, path, options.configDirectory, problems);
    delivery = settings;
    body = rest;
  }
  const before = problems.length;
  const config = definition.config.parse(body, path, problems);
  if (problems.length > before) return undefined;
  if (definition.validate) {
    problems.push(
      ...(await definition.validate(config, {
        path,
        platform: options.platform,
        configDirectory: options.configDirectory,
      })),
    );
  }
  return kind === 'exporter' && delivery
    ? { id, definition: definition as ExporterDefinition, config, ...delivery }
    : { id, definition, config };
}

function compilePipelines(root: Record<string, unknown>, compiled: CompiledConfig, problems: Problem[]): void {
  const pipelines = root['pipelines'];
  if (pipelines === undefined || (isPlainObject(pipelines) && Object.keys(pipelines).length === 0)) {
    problems.push({
      path: 'pipelines',
      message:
        'at least one pipeline is required, e.g. pipelines: { metrics: { collectors: [...], exporters: [...] } }',
    });
    return;
  }
  if (!isPlainObject(pipelines)) {
    problems.push({
      path: 'pipelines',
      message: `expected a map of pipeline ids to pipelines, got ${describeValue(pipelines)}`,
    });
    return;
  }
  for (const [id, value] of Object.entries(pipelines)) {
    const path = joinPath('pipelines', id);
    const signal = id.split('/')[0] as Signal;
    if (!SIGNALS.includes(signal)) {
      problems.push({
        path,
        message: `a pipeline id starts with its signal (${SIGNALS.join(', ')}), as in "metrics" or "metrics/nginx"`,
      });
      continue;
    }
    const pipeline = pipelineSchema.parse(value, path, problems);
    if (!pipeline) continue;
    const sections = [
      ['collectors', compiled.collectors, 'collector'],
      ['processors', compiled.processors, 'processor'],
      ['exporters', compiled.exporters, 'exporter'],
    ] as const;
    for (const [section, declared, kind] of sections) {
      const seen = new Set<string>();
      pipeline[section].forEach((componentId, index) => {
        const itemPath = joinPath(joinPath(path, section), index);
        if (seen.has(componentId)) problems.push({ path: itemPath, message: `"${componentId}" is listed twice` });
        seen.add(componentId);
        const component = declared.get(componentId);
        if (!component) {
          if (!isDeclared(root, section, componentId)) {
            problems.push({ path: itemPath, message: `no ${kind} "${componentId}" is defined under ${section}` });
          }
          return;
        }
        if (!component.definition.signals.includes(signal)) {
          problems.push({
            path: itemPath,
            message: `${kind} "${componentId}" does not handle ${signal}; it handles ${component.definition.signals.join(', ')}`,
          });
        }
      });
    }
    compiled.pipelines.push({ id, signal, ...pipeline });
  }
}

/** Every exporter a processor names in its options (a dead letter) exists and takes its pipelines' signals. */
function checkExporterReferences(root: Record<string, unknown>, compiled: CompiledConfig, problems: Problem[]): void {
  for (const [id, processor] of compiled.processors) {
    for (const reference of processor.definition.exporterReferences?.(processor.config) ?? []) {
      const path = joinPath(joinPath('processors', id), reference.key);
      const exporter = compiled.exporters.get(reference.id);
      if (!exporter) {
        if (!isDeclared(root, 'exporters', reference.id)) {
          problems.push({ path, message: `no exporter "${reference.id}" is defined under exporters` });
        }
        continue;
      }
      for (const pipeline of compiled.pipelines) {
        if (!pipeline.processors.includes(id) || exporter.definition.signals.includes(pipeline.signal)) continue;
        problems.push({
          path,
          message: `exporter "${reference.id}" does not handle ${pipeline.signal}, the signal of pipeline ${pipeline.id}`,
        });
      }
    }
  }
}

/** True when the id is declared even though its own config had problems (already reported). */
function isDeclared(root: Record<string, unknown>, section: string, id: string): boolean {
  const entries = root[section];
  return isPlainObject(entries) && id in entries;
}
