import { arch } from 'node:os';
import { type Attributes, defineProcessor, type LogsBatch, type MetricsBatch, type Processor, s } from '@wasmpipe/core';
import { createHostFiles } from '../host-metrics/host-files.ts';
import { DETECTORS, detectResource } from './detect.ts';

const resourceDetectionConfig = s.object({
  detectors: s
    .array(s.enum(DETECTORS), { minItems: 1 })
    .default(['env', 'system'])
    .describe('Detectors in order; when two find the same attribute the first wins: env, system.'),
  override: s
    .boolean()
    .default(true)
    .describe('Replace attributes a resource already has; false keeps the resource own values.'),
  root_path: s
    .string()
    .default('')
    .describe('The host root for the system detector, for a containerised collector (host mounted at /hostfs).'),
});

/**
 * Adds the detected resource attributes to every resource of every batch, as the contrib
 * `resourcedetection` processor does. Detection runs once, at start.
 */
export const resourceDetectionProcessor = defineProcessor({
  type: 'resource_detection',
  description: 'Adds host and environment resource attributes (host.name, host.id, os.*, OTEL_RESOURCE_ATTRIBUTES).',
  signals: ['metrics', 'logs'],
  config: resourceDetectionConfig,
  mutatesData: true,
  create(config, context, next): Processor {
    let detected: Attributes | undefined;
    const attributes = (): Attributes => {
      detected ??= detectResource(config.detectors, {
        files: createHostFiles(config.root_path),
        env: (name) => context.platform.env(name),
        machine: arch,
      });
      return detected;
    };
    const merge = (resource: { attributes: Attributes }) => {
      resource.attributes = config.override
        ? { ...resource.attributes, ...attributes() }
        : { ...attributes(), ...resource.attributes };
    };
    return {
      start() {
        attributes();
      },
      async consumeMetrics(batch: MetricsBatch) {
        for (const resourceMetrics of batch.resourceMetrics) merge(resourceMetrics.resource);
        await next.consumeMetrics?.(batch);
      },
      async consumeLogs(batch: LogsBatch) {
        for (const resourceLogs of batch.resourceLogs) merge(resourceLogs.resource);
        await next.consumeLogs?.(batch);
      },
    };
  },
});
