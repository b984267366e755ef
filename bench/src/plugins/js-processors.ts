// The peers of the Wasm plugins: the same work written as plain JS processors, so a figure says
// what the Wasm boundary costs and not what the work costs.
import { defineProcessor, type MetricsBatch, s } from '@wasmpipe/core';

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'u');
}

/** Removes metrics for which `keep` is false, and scopes and resources left empty; in place. */
export function filterMetrics(batch: MetricsBatch, keep: (name: string) => boolean): MetricsBatch {
  batch.resourceMetrics = batch.resourceMetrics.filter((resourceMetrics) => {
    resourceMetrics.scopeMetrics = resourceMetrics.scopeMetrics.filter((scopeMetrics) => {
      scopeMetrics.metrics = scopeMetrics.metrics.filter((metric) => keep(metric.name));
      return scopeMetrics.metrics.length > 0;
    });
    return resourceMetrics.scopeMetrics.length > 0;
  });
  return batch;
}

/** The filter plugin's semantics (include, then exclude, by name glob) as a JS processor. */
export const jsFilterProcessor = defineProcessor({
  type: 'js_filter',
  description: 'The filter plugin, in JavaScript.',
  signals: ['metrics'],
  config: s.object({ include: s.array(s.string()).default([]), exclude: s.array(s.string()).default([]) }),
  mutatesData: true,
  create(config, _context, next) {
    const includes = config.include.map(globToRegExp);
    const excludes = config.exclude.map(globToRegExp);
    const keep = (name: string) =>
      (includes.length === 0 || includes.some((glob) => glob.test(name))) && !excludes.some((glob) => glob.test(name));
    return {
      async consumeMetrics(batch) {
        const result = filterMetrics(batch, keep);
        if (result.resourceMetrics.length > 0) await next.consumeMetrics?.(result);
      },
    };
  },
});

/** Adds static resource attributes and one attribute per data point, like the enrich plugin. */
export const jsEnrichProcessor = defineProcessor({
  type: 'js_enrich',
  description: 'Static enrichment, in JavaScript.',
  signals: ['metrics'],
  config: s.object({}),
  mutatesData: true,
  create(_config, _context, next) {
    return {
      async consumeMetrics(batch) {
        for (const resourceMetrics of batch.resourceMetrics) {
          resourceMetrics.resource.attributes['deployment.environment'] = 'bench';
          for (const scopeMetrics of resourceMetrics.scopeMetrics)
            for (const metric of scopeMetrics.metrics)
              for (const point of metric.data.dataPoints) point.attributes['service.name'] = 'bench';
        }
        await next.consumeMetrics?.(batch);
      },
    };
  },
});

/** Renames an attribute on every data point, like the transform plugin. */
export const jsTransformProcessor = defineProcessor({
  type: 'js_transform',
  description: 'Attribute rename, in JavaScript.',
  signals: ['metrics'],
  config: s.object({}),
  mutatesData: true,
  create(_config, _context, next) {
    return {
      async consumeMetrics(batch) {
        for (const resourceMetrics of batch.resourceMetrics)
          for (const scopeMetrics of resourceMetrics.scopeMetrics)
            for (const metric of scopeMetrics.metrics)
              for (const point of metric.data.dataPoints) {
                const { state, ...rest } = point.attributes;
                point.attributes = state === undefined ? rest : { ...rest, 'cpu.mode': state };
              }
        await next.consumeMetrics?.(batch);
      },
    };
  },
});
