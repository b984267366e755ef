import {
  hostMetricsCollector,
  nginxCollector,
  nginxPlusCollector,
  processCollector,
  resourceDetectionProcessor,
} from '@wasmpipe/collectors';
import { batchProcessor, type ComponentDefinition, Registry } from '@wasmpipe/core';
import { debugExporter, fileExporter, otlpHttpExporter } from '@wasmpipe/exporters';
import { wasmProcessor } from '@wasmpipe/host-wapc';

/** Every component type the `wasmpipe` binary knows, registered explicitly. */
export const builtInComponents: readonly ComponentDefinition[] = [
  hostMetricsCollector,
  nginxCollector,
  nginxPlusCollector,
  processCollector,
  batchProcessor,
  resourceDetectionProcessor,
  wasmProcessor,
  otlpHttpExporter,
  debugExporter,
  fileExporter,
] as ComponentDefinition[];

/** A registry holding every built-in component type. */
export function createBuiltInRegistry(): Registry {
  return new Registry(builtInComponents);
}
