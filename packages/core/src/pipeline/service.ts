import type { Consumer } from '../component/consumer.ts';
import type { Collector, CreateContext, Host, Processor } from '../component/define.ts';
import type { CompiledConfig, CompiledPipeline } from '../config/compile.ts';
import { errorMessage } from '../errors/errors.ts';
import type { Signal } from '../model/common.ts';
import type { Platform } from '../platform/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import { Telemetry } from '../telemetry/telemetry.ts';
import { ProcessorAcknowledgements } from './acknowledging.ts';
import { bySignal, counting, type FanOutTarget, fanOut } from './consumers.ts';
import { ExporterNode } from './exporter-node.ts';
import { Taps } from './taps.ts';

/** What a service needs from its surroundings. */
export interface ServiceOptions {
  platform: Platform;
  logger: Logger;
  telemetry?: Telemetry;
}

/** The lifecycle state of a service. */
export type ServiceState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

interface Running {
  id: string;
  component: Collector | Processor;
}

/**
 * The running graph of a compiled config: collectors fan out to the pipelines that list them,
 * each pipeline runs its own processor chain, and exporters (shared between pipelines) sit behind
 * bounded queues. Starts exporters first and collectors last; shuts down in the opposite order,
 * draining every queue on the way.
 */
export class Service {
  readonly telemetry: Telemetry;
  /** Where `wasmpipe tap` watches the batches leaving each component. */
  readonly taps = new Taps();
  readonly #config: CompiledConfig;
  readonly #platform: Platform;
  readonly #logger: Logger;
  readonly #exporters = new Map<string, ExporterNode>();
  /** Processors per pipeline, first to last. */
  readonly #processors: Running[][] = [];
  readonly #collectors: Running[] = [];
  #state: ServiceState = 'created';
  #stopping: Promise<void> | undefined;

  constructor(config: CompiledConfig, options: ServiceOptions) {
    this.#config = config;
    this.#platform = options.platform;
    this.#logger = options.logger;
    this.telemetry = options.telemetry ?? new Telemetry();
  }

  /** Where the service is in its lifecycle. */
  get state(): ServiceState {
    return this.#state;
  }

  /** Builds the graph and starts it; on any failure, stops what started and rejects. */
  async start(): Promise<void> {
    if (this.#state !== 'created') throw new Error(`A service starts once; this one is ${this.#state}.`);
    this.#state = 'starting';
    const host: Host = { platform: this.#platform, logger: this.#logger };
    try {
      await this.#build();
      for (const exporter of this.#exporters.values()) await exporter.start(host);
      for (const chain of this.#processors) {
        for (const running of [...chain].reverse()) await running.component.start?.(host);
      }
      for (const running of this.#collectors) await running.component.start?.(host);
      this.#state = 'running';
      this.#logger.info('Everything is ready.', {
        pipelines: this.#config.pipelines.map((pipeline) => pipeline.id).join(','),
      });
    } catch (error) {
      this.#state = 'failed';
      this.#logger.error('Starting failed; stopping what had started.', { error: errorMessage(error) });
      await this.#stop();
      throw error;
    }
  }

  /** Stops collectors, flushes processors, drains exporter queues and closes exporters. Idempotent. */
  shutdown(): Promise<void> {
    if (this.#state === 'created') {
      this.#state = 'stopped';
      return Promise.resolve();
    }
    this.#stopping ??= (async () => {
      this.#state = 'stopping';
      await this.#stop();
      this.#state = 'stopped';
      this.#logger.info('Stopped; every queue was drained.');
    })();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    await Promise.all(this.#collectors.map((running) => this.#shutdownOne(running.id, running.component)));
    for (const chain of this.#processors) {
      for (const running of chain) await this.#shutdownOne(running.id, running.component);
    }
    await Promise.all([...this.#exporters.values()].map((exporter) => this.#shutdownOne(exporter.id, exporter)));
  }

  async #shutdownOne(id: string, component: { shutdown?(): Promise<void> | void }): Promise<void> {
    try {
      await component.shutdown?.();
    } catch (error) {
      this.#logger.error('A component failed to shut down cleanly.', {
        'component.id': id,
        error: errorMessage(error),
      });
    }
  }

  async #build(): Promise<void> {
    const pipelines = this.#config.pipelines;
    for (const id of new Set(pipelines.flatMap((pipeline) => pipeline.exporters))) await this.#exporterNode(id);
    const heads = new Map<string, FanOutTarget>();
    for (const pipeline of pipelines) heads.set(pipeline.id, await this.#buildPipeline(pipeline));
    for (const id of new Set(pipelines.flatMap((pipeline) => pipeline.collectors))) {
      const compiled = this.#config.collectors.get(id);
      if (!compiled) throw new Error(`Collector ${id} is not in the config.`);
      const telemetry = this.telemetry.forComponent(id);
      const routes: Partial<Record<Signal, Consumer>> = {};
      for (const signal of compiled.definition.signals) {
        const targets = pipelines
          .filter((pipeline) => pipeline.signal === signal && pipeline.collectors.includes(id))
          .map((pipeline) => heads.get(pipeline.id) as FanOutTarget);
        if (targets.length === 0) continue;
        routes[signal] = counting(
          this.taps.wrap(id, signal, fanOut(targets)),
          signal,
          telemetry.counter('wasmpipe.collector.accepted', signal),
          telemetry.counter('wasmpipe.collector.refused', signal),
        );
      }
      const component = await compiled.definition.create(
        compiled.config,
        this.#context(id, 'collector'),
        bySignal(routes),
      );
      this.#collectors.push({ id, component });
    }
  }

  /** The exporter with this id, created on first use (a dead-letter exporter may be in no pipeline). */
  async #exporterNode(id: string): Promise<ExporterNode> {
    const existing = this.#exporters.get(id);
    if (existing) return existing;
    const compiled = this.#config.exporters.get(id);
    if (!compiled) throw new Error(`Exporter ${id} is not in the config.`);
    const context = this.#context(id, 'exporter');
    const exporter = await compiled.definition.create(compiled.config, context);
    const node = new ExporterNode(id, exporter, compiled.sendingQueue, context.logger, context.telemetry, {
      retry: compiled.retry,
      platform: this.#platform,
    });
    this.#exporters.set(id, node);
    return node;
  }

  async #buildPipeline(pipeline: CompiledPipeline): Promise<FanOutTarget> {
    const { signal } = pipeline;
    const exporters = pipeline.exporters.map((id) => ({
      consumer: this.taps.wrap(id, signal, (this.#exporters.get(id) as ExporterNode).acknowledging),
      mutates: false,
    }));
    let next: Consumer = fanOut(exporters);
    let mutates = false;
    const chain: Running[] = [];
    for (const id of [...pipeline.processors].reverse()) {
      const compiled = this.#config.processors.get(id);
      if (!compiled) throw new Error(`Processor ${id} is not in the config.`);
      const telemetry = this.telemetry.forComponent(id);
      const context = { ...this.#context(id, 'processor'), signal, exporter: (id: string) => this.#exporterNode(id) };
      const acknowledgements = new ProcessorAcknowledgements(signal);
      const outgoing = acknowledgements.outgoing(
        counting(this.taps.wrap(id, signal, next), signal, telemetry.counter('wasmpipe.processor.outgoing', signal)),
      );
      const processor = await compiled.definition.create(compiled.config, context, outgoing);
      chain.unshift({ id, component: processor });
      next = counting(
        acknowledgements.incoming(processor),
        signal,
        telemetry.counter('wasmpipe.processor.incoming', signal),
      );
      mutates ||= compiled.definition.mutatesData;
    }
    this.#processors.push(chain);
    return { consumer: next, mutates };
  }

  #context(id: string, kind: 'collector' | 'processor' | 'exporter'): CreateContext {
    return {
      id,
      logger: this.#logger.child({ 'component.id': id, 'component.kind': kind }),
      telemetry: this.telemetry.forComponent(id),
      platform: this.#platform,
      configDirectory: this.#config.configDirectory,
    };
  }
}
