import type { AnyValue, Attributes, InstrumentationScope, Resource } from './common.ts';

/** One log record (OTLP `LogRecord`). Timestamps are unix nanoseconds. */
export interface LogRecord {
  timeUnixNano?: bigint;
  observedTimeUnixNano: bigint;
  /** OTLP `SeverityNumber`, 1 (TRACE) to 24 (FATAL4); 0 when unknown. */
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  eventName?: string;
}

/** Log records produced by one scope. */
export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl?: string;
}

/** Log records produced by one resource. */
export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl?: string;
}

/** A batch of log records, the unit handed between components. */
export interface LogsBatch {
  resourceLogs: ResourceLogs[];
}
