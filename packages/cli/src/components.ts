import {
  hostMetricsCollector,
  nginxCollector,
  nginxPlusCollector,
  otlpReceiver,
  processCollector,
  resourceDetectionProcessor,
} from '@wasmpipe/collectors';
import { batchProcessor, type ComponentDefinition, Registry } from '@wasmpipe/core';
import {
  debugExporter,
  fileExporter,
  otlpGrpcExporter,
  otlpHttpExporter,
  prometheusExporter,
} from '@wasmpipe/exporters';
import { wasmProcessor } from '@wasmpipe/host-wapc';

/** Every component type the `wasmpipe` binary knows, registered explicitly. */
export const builtInComponents: readonly ComponentDefinition[] = [
  hostMetricsCollector,
  nginxCollector,
  nginxPlusCollector,
  processCollector,
  otlpReceiver,
  batchProcessor,
  resourceDetectionProcessor,
  wasmProcessor,
  otlpHttpExporter,
  otlpGrpcExporter,
  prometheusExporter,
  debugExporter,
  fileExporter,
] as ComponentDefinition[];

/** A registry holding every built-in component type. */
export function createBuiltInRegistry(): Registry {
  return new Registry(builtInComponents);
}
