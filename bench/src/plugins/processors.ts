// Builds processor chains outside a Service, the way the runtime wires them (each processor hands
// its output to the next), so the plugin benchmarks time the processors and nothing else.
import {
  type Consumer,
  createLogger,
  getPlatform,
  type Problem,
  type Processor,
  type ProcessorDefinition,
  silentLogger,
  Telemetry,
} from '@wasmpipe/core';

/** A processor type and the config to give it. */
export interface Stage {
  // biome-ignore lint/suspicious/noExplicitAny: definitions of every config type go in one list
  definition: ProcessorDefinition<any>;
  config: unknown;
}

/** Creates the stages first to last, each handing on to the next, the last to `sink`. */
export async function createChain(
  stages: Stage[],
  sink: Consumer,
): Promise<{ head: Consumer; processors: Processor[] }> {
  const telemetry = new Telemetry();
  let next = sink;
  const processors: Processor[] = [];
  for (const [index, stage] of [...stages].reverse().entries()) {
    const id = `${stage.definition.type}/${stages.length - index}`;
    const problems: Problem[] = [];
    const config = stage.definition.config.parse(stage.config, id, problems);
    if (problems.length > 0) throw new Error(`${id}: ${problems.map((problem) => problem.message).join('; ')}`);
    const processor = await stage.definition.create(
      config,
      {
        id,
        signal: 'metrics',
        logger: process.env.BENCH_DEBUG ? createLogger({ level: 'debug' }) : silentLogger,
        telemetry: telemetry.forComponent(id),
        platform: getPlatform(),
        configDirectory: process.cwd(),
      },
      next,
    );
    processors.unshift(processor);
    next = processor;
  }
  return { head: next, processors };
}

/** A consumer that only counts the data points it receives. */
export function countingSink(): Consumer & { points: number } {
  const sink = {
    points: 0,
    async consumeMetrics(batch: Parameters<NonNullable<Consumer['consumeMetrics']>>[0]) {
      for (const resourceMetrics of batch.resourceMetrics)
        for (const scopeMetrics of resourceMetrics.scopeMetrics)
          for (const metric of scopeMetrics.metrics) sink.points += metric.data.dataPoints.length;
    },
  };
  return sink;
}
