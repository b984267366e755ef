import {
  hostMetricsCollector,
  nginxAccessLogCollector,
  nginxCollector,
  nginxErrorLogCollector,
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
import { natsCollector, natsExporter } from '@wasmpipe/nats';

/** Every component type the `wasmpipe` binary knows, registered explicitly. */
export const builtInComponents: readonly ComponentDefinition[] = [
  hostMetricsCollector,
  nginxCollector,
  nginxPlusCollector,
  nginxAccessLogCollector,
  nginxErrorLogCollector,
  processCollector,
  otlpReceiver,
  natsCollector,
  batchProcessor,
  resourceDetectionProcessor,
  wasmProcessor,
  otlpHttpExporter,
  otlpGrpcExporter,
  prometheusExporter,
  debugExporter,
  fileExporter,
  natsExporter,
] as ComponentDefinition[];

/** A registry holding every built-in component type. */
export function createBuiltInRegistry(): Registry {
  return new Registry(builtInComponents);
}
