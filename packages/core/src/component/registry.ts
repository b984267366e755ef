import type {
  CollectorDefinition,
  ComponentDefinition,
  ComponentKind,
  ExporterDefinition,
  ProcessorDefinition,
} from './define.ts';

/** The component types a config may name. Built explicitly: importing a module registers nothing. */
export class Registry {
  readonly #byKind: Record<ComponentKind, Map<string, ComponentDefinition>> = {
    collector: new Map(),
    processor: new Map(),
    exporter: new Map(),
  };

  constructor(definitions: Iterable<ComponentDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  /** Adds a type; registering a second type of the same kind and name is an error. */
  register(definition: ComponentDefinition): this {
    const map = this.#byKind[definition.kind];
    if (map.has(definition.type))
      throw new Error(`A ${definition.kind} of type "${definition.type}" is already registered.`);
    map.set(definition.type, definition);
    return this;
  }

  /** The collector type named `type`, if registered. */
  collector(type: string): CollectorDefinition | undefined {
    return this.#byKind.collector.get(type) as CollectorDefinition | undefined;
  }

  /** The processor type named `type`, if registered. */
  processor(type: string): ProcessorDefinition | undefined {
    return this.#byKind.processor.get(type) as ProcessorDefinition | undefined;
  }

  /** The exporter type named `type`, if registered. */
  exporter(type: string): ExporterDefinition | undefined {
    return this.#byKind.exporter.get(type) as ExporterDefinition | undefined;
  }

  /** The type of the given kind named `type`, if registered. */
  get(kind: ComponentKind, type: string): ComponentDefinition | undefined {
    return this.#byKind[kind].get(type);
  }

  /** The registered type names of one kind, sorted. */
  types(kind: ComponentKind): string[] {
    return [...this.#byKind[kind].keys()].sort();
  }
}

/** Builds a registry from component definitions. */
export function createRegistry(...definitions: ComponentDefinition[]): Registry {
  return new Registry(definitions);
}
