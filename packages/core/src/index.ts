// The public entry of @wasmpipe/core: the record model, the component model, the config, the
// pipeline runtime, errors, self-telemetry and the platform module.

export type { AdminOptions } from './admin/admin-server.ts';
export { startAdminServer } from './admin/admin-server.ts';
export type { Consumer, FullConsumer } from './component/consumer.ts';
export type {
  Collector,
  CollectorDefinition,
  ComponentDefinition,
  ComponentKind,
  ConfigInput,
  CreateContext,
  Exporter,
  ExporterDefinition,
  ExportOptions,
  Host,
  Lifecycle,
  Processor,
  ProcessorContext,
  ProcessorDefinition,
  ValidateContext,
} from './component/define.ts';
export { defineCollector, defineExporter, defineProcessor } from './component/define.ts';
export { createRegistry, Registry } from './component/registry.ts';
export type {
  CompiledComponent,
  CompiledConfig,
  CompiledExporter,
  CompiledPipeline,
  CompileOptions,
  CompileResult,
} from './config/compile.ts';
export { compileConfig } from './config/compile.ts';
export { ConfigError } from './config/config-error.ts';
export { formatDuration, parseDuration } from './config/duration.ts';
export { substituteEnv } from './config/env.ts';

export type { Problem } from './config/problems.ts';
export { describeValue, formatProblems, joinPath } from './config/problems.ts';
export type { Infer, Input, ObjectInput, ObjectOutput, ObjectSchemaOf } from './config/schema.ts';
export { isPlainObject, Schema, s } from './config/schema.ts';
export { Secret } from './config/secret.ts';
export type { YamlResult } from './config/yaml.ts';
export { parseYaml } from './config/yaml.ts';
export type { AcknowledgementState, Handover } from './delivery/acknowledgement.ts';
export {
  ACKNOWLEDGEMENTS,
  Acknowledgement,
  acknowledgementsOf,
  carryAcknowledgements,
  consumeAcknowledged,
  withAcknowledgements,
} from './delivery/acknowledgement.ts';
export { decodeValue, encodeValue } from './delivery/batch-codec.ts';
export type { QueueSizer } from './delivery/batch-size.ts';
export { estimateBytes } from './delivery/batch-size.ts';
export { crc32 } from './delivery/crc32.ts';
export { queueDirectoryName } from './delivery/create-storage.ts';
export type { DeliveryOptions, SendingQueueConfig } from './delivery/delivery-config.ts';
export { DEFAULT_QUEUE_SIZE, DEFAULT_SENDING_QUEUE, parseDeliveryOptions } from './delivery/delivery-config.ts';
export type { FileStorageOptions } from './delivery/file-queue/file-storage.ts';
export { FileStorage } from './delivery/file-queue/file-storage.ts';
export { MemoryStorage } from './delivery/memory-storage.ts';
export type { AnyBatch, BatchDetails, PreparedBatch, QueueEntry, QueueStorage } from './delivery/queue-storage.ts';
export type { RetryConfig } from './delivery/retry.ts';
export { Backoff, DEFAULT_RETRY, sleep } from './delivery/retry.ts';
export type { OnFull, QueuePushResult, SendingQueueOptions, Taken } from './delivery/sending-queue.ts';
export { SendingQueue } from './delivery/sending-queue.ts';
export { streamKeys } from './delivery/stream-keys.ts';
export type { WasmpipeErrorOptions } from './errors/errors.ts';
export { errorMessage, isRetryable, permanentError, retryableError, WasmpipeError } from './errors/errors.ts';
export type { ComponentUse, PipelineOptions } from './library/create-pipeline.ts';
export { createPipeline, use } from './library/create-pipeline.ts';
export type { BatchOf } from './model/batch.ts';
export { cloneBatch, countDataPoints, countItems, countLogRecords, ITEM_COUNT } from './model/batch.ts';
export type { AnyValue, Attributes, InstrumentationScope, Resource, Signal } from './model/common.ts';
export { SIGNALS } from './model/common.ts';
export type { LogRecord, LogsBatch, ResourceLogs, ScopeLogs } from './model/logs.ts';
export type {
  AggregationTemporality,
  DataPointBase,
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramData,
  ExponentialHistogramDataPoint,
  GaugeData,
  HistogramData,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsBatch,
  MetricType,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SumData,
  SummaryData,
  SummaryDataPoint,
  ValueAtQuantile,
} from './model/metrics.ts';
export { nowUnixNano } from './model/time.ts';
export type { FullPolicy, PushResult } from './pipeline/bounded-queue.ts';
export { BoundedQueue } from './pipeline/bounded-queue.ts';
export type { FanOutTarget } from './pipeline/consumers.ts';
export { fanOut } from './pipeline/consumers.ts';
export type { ExporterNodeOptions } from './pipeline/exporter-node.ts';
export { ExporterNode } from './pipeline/exporter-node.ts';
export type { ServiceOptions, ServiceState } from './pipeline/service.ts';
export { Service } from './pipeline/service.ts';
export { StateChangeLog } from './pipeline/state-change-log.ts';
export type { TapListener } from './pipeline/taps.ts';
export { Taps } from './pipeline/taps.ts';
export type { FetchHandler, FileHandle, FileSystem, HttpServer, Platform, RuntimeName } from './platform/index.ts';
export { detectRuntime, getPlatform } from './platform/index.ts';
export { batchProcessor } from './processors/batch.ts';
export type { LogFields, Logger, LoggerOptions, LogLevel } from './telemetry/logger.ts';
export { createLogger, isLogLevel, silentLogger } from './telemetry/logger.ts';
export type { ComponentTelemetry, Counter, Histogram, TelemetryValue } from './telemetry/telemetry.ts';
export { Telemetry } from './telemetry/telemetry.ts';
