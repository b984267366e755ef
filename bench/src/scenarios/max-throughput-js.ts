// The JS peers of the enrich and transform plugins for the maximum-throughput scenario, configured
// like the plugins (the options the scenario uses: static resource and point attributes; attribute
// renames and unit conversions), so both paths do the same work and produce the same output. The
// filter's peer is `jsFilterProcessor` (src/plugins/js-processors.ts).
import { type Attributes, defineProcessor, type MetricsBatch, s } from '@wasmpipe/core';

/** Sets static attributes on every resource and every data point, like the enrich plugin. */
export const jsStaticEnrichProcessor = defineProcessor({
  type: 'js_static_enrich',
  description: 'The enrich plugin (resource and attributes), in JavaScript.',
  signals: ['metrics'],
  config: s.object({
    resource: s.record(s.string()).default({}),
    attributes: s.record(s.string()).default({}),
  }),
  mutatesData: true,
  create(config, _context, next) {
    const resource = Object.entries(config.resource);
    const attributes = Object.entries(config.attributes);
    return {
      async consumeMetrics(batch: MetricsBatch) {
        for (const resourceMetrics of batch.resourceMetrics) {
          for (const [key, value] of resource) resourceMetrics.resource.attributes[key] = value;
          for (const scopeMetrics of resourceMetrics.scopeMetrics)
            for (const metric of scopeMetrics.metrics)
              for (const point of metric.data.dataPoints)
                for (const [key, value] of attributes) point.attributes[key] = value;
        }
        await next.consumeMetrics?.(batch);
      },
    };
  },
});

/** Factors to each dimension's base unit, as the transform plugin has them. */
const UNIT_FACTORS: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, By: 1, KiBy: 1024, MiBy: 1048576 };

/** Renames data point attributes and converts units, like the transform plugin. */
export const jsTransformProcessor = defineProcessor({
  type: 'js_transform',
  description: 'The transform plugin (rename_attributes, convert_units), in JavaScript.',
  signals: ['metrics'],
  config: s.object({
    rename_attributes: s.record(s.string()).default({}),
    convert_units: s.array(s.object({ from: s.string(), to: s.string() })).default([]),
  }),
  mutatesData: true,
  create(config, _context, next) {
    const renames = Object.entries(config.rename_attributes);
    const conversions = config.convert_units.map(({ from, to }) => ({
      from,
      to,
      factor: (UNIT_FACTORS[from] as number) / (UNIT_FACTORS[to] as number),
    }));
    const rename = (attributes: Attributes) => {
      for (const [from, to] of renames) {
        if (!(from in attributes)) continue;
        attributes[to] = attributes[from] as Attributes[string];
        delete attributes[from];
      }
    };
    return {
      async consumeMetrics(batch: MetricsBatch) {
        for (const resourceMetrics of batch.resourceMetrics)
          for (const scopeMetrics of resourceMetrics.scopeMetrics)
            for (const metric of scopeMetrics.metrics) {
              const conversion = conversions.find((candidate) => candidate.from === metric.unit);
              if (conversion && (metric.data.type === 'gauge' || metric.data.type === 'sum')) {
                metric.unit = conversion.to;
                for (const point of metric.data.dataPoints) {
                  point.value *= conversion.factor;
                  // An integer stays one only when its new value is whole, as in the plugin.
                  if (point.isInteger && !Number.isInteger(point.value)) point.isInteger = false;
                }
              }
              for (const point of metric.data.dataPoints) rename(point.attributes);
            }
        await next.consumeMetrics?.(batch);
      },
    };
  },
});
