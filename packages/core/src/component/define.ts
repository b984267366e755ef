import type { Problem } from '../config/problems.ts';
import type { Infer, Input, Schema } from '../config/schema.ts';
import type { Signal } from '../model/common.ts';
import type { LogsBatch } from '../model/logs.ts';
import type { MetricsBatch } from '../model/metrics.ts';
import type { Platform } from '../platform/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ComponentTelemetry } from '../telemetry/telemetry.ts';
import type { Consumer } from './consumer.ts';

/** The three kinds of component. */
export type ComponentKind = 'collector' | 'processor' | 'exporter';

/** What the runtime hands a component when it starts it. */
export interface Host {
  readonly platform: Platform;
  readonly logger: Logger;
}

/** Start and stop. `shutdown` is idempotent and safe to call without `start`. */
export interface Lifecycle {
  start?(host: Host): Promise<void> | void;
  shutdown?(): Promise<void> | void;
}

/** What every component's create function receives besides its config. */
export interface CreateContext {
  /** `type` or `type/name`, as written in the config. */
  readonly id: string;
  readonly logger: Logger;
  readonly telemetry: ComponentTelemetry;
  readonly platform: Platform;
  /** The directory relative paths in the config are resolved against. */
  readonly configDirectory: string;
}

/** A processor's context also names the signal of the pipeline it sits in. */
export interface ProcessorContext extends CreateContext {
  readonly signal: Signal;
  /**
   * The consumer of a declared exporter, through its sending queue (counted as usual), for
   * batches a processor sends out of the pipeline (a dead letter). The exporter is started even
   * when no pipeline lists it; list its id in the definition's `exporterReferences` so `validate`
   * checks it. Absent outside a service.
   */
  readonly exporter?: (id: string) => Promise<Consumer>;
}

/** What extra validation receives: the path of the component's config, and the platform. */
export interface ValidateContext {
  readonly path: string;
  readonly platform: Platform;
  readonly configDirectory: string;
}

/** A running collector: produces batches and hands them to its consumer. */
export type Collector = Lifecycle;

/** A running processor: a consumer that hands what it produces to the next consumer. */
export interface Processor extends Lifecycle, Consumer {}

/** What the runtime passes with each export call. */
export interface ExportOptions {
  /** Aborts when shutdown can wait no longer: stop the request and throw. */
  readonly signal: AbortSignal;
  /**
   * The batch's id in the sending queue: the same on every retry of this batch and, with a file
   * queue, after a restart; distinct for every batch, even with equal content. Absent when the
   * queue has none (a file queue written by an earlier version). Use it to let the receiver drop
   * a batch it already has (JetStream's `Nats-Msg-Id`).
   */
  readonly batchId?: string;
}

/**
 * A running exporter: sends batches out. Throw a `WasmpipeError` to say whether to retry
 * (`retryable`, and `retryAfterMs` when the peer said how long to wait); the runtime retries,
 * counts and logs. The same batch may be passed again on a retry: never change it.
 */
export interface Exporter extends Lifecycle {
  exportMetrics?(batch: MetricsBatch, options?: ExportOptions): Promise<void>;
  exportLogs?(batch: LogsBatch, options?: ExportOptions): Promise<void>;
}

interface DefinitionBase<K extends ComponentKind, S extends Schema<unknown, unknown>> {
  readonly kind: K;
  /** The type name used in config ids, e.g. `host_metrics`. */
  readonly type: string;
  /** One line saying what the component is for. */
  readonly description: string;
  readonly signals: readonly Signal[];
  readonly config: S;
  /** Checks that need I/O or cross-field rules (a plugin file exists); runs after the schema passed. */
  validate?(config: Infer<S>, context: ValidateContext): Problem[] | Promise<Problem[]>;
}

/** A collector type. */
export interface CollectorDefinition<S extends Schema<unknown, unknown> = Schema<unknown, unknown>>
  extends DefinitionBase<'collector', S> {
  create(config: Infer<S>, context: CreateContext, next: Consumer): Collector | Promise<Collector>;
}

/** A processor type. */
export interface ProcessorDefinition<S extends Schema<unknown, unknown> = Schema<unknown, unknown>>
  extends DefinitionBase<'processor', S> {
  /** True when the processor changes batches in place, so fan-out must hand it a copy. */
  readonly mutatesData: boolean;
  /** Exporter ids the config names (option key and id); the config is refused when one is missing. */
  exporterReferences?(config: Infer<S>): readonly { key: string; id: string }[];
  create(config: Infer<S>, context: ProcessorContext, next: Consumer): Processor | Promise<Processor>;
}

/** An exporter type. */
export interface ExporterDefinition<S extends Schema<unknown, unknown> = Schema<unknown, unknown>>
  extends DefinitionBase<'exporter', S> {
  create(config: Infer<S>, context: CreateContext): Exporter | Promise<Exporter>;
}

/** Any component type. */
export type ComponentDefinition =
  | CollectorDefinition<Schema<unknown, unknown>>
  | ProcessorDefinition<Schema<unknown, unknown>>
  | ExporterDefinition<Schema<unknown, unknown>>;

type Spec<D> = Omit<D, 'kind'>;

/** Defines a collector type from a type name, a config schema and a create function. */
export function defineCollector<S extends Schema<unknown, unknown>>(
  spec: Spec<CollectorDefinition<S>>,
): CollectorDefinition<S> {
  return Object.freeze({ ...spec, kind: 'collector' as const });
}

/** Defines a processor type from a type name, a config schema and a create function. */
export function defineProcessor<S extends Schema<unknown, unknown>>(
  spec: Spec<ProcessorDefinition<S>>,
): ProcessorDefinition<S> {
  return Object.freeze({ ...spec, kind: 'processor' as const });
}

/** Defines an exporter type from a type name, a config schema and a create function. */
export function defineExporter<S extends Schema<unknown, unknown>>(
  spec: Spec<ExporterDefinition<S>>,
): ExporterDefinition<S> {
  return Object.freeze({ ...spec, kind: 'exporter' as const });
}

/** The config a user writes for a definition. */
export type ConfigInput<D> = D extends { config: infer S } ? Input<S> : never;
