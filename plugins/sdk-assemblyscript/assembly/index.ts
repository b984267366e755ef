// @wasmpipe/sdk-assemblyscript: write a wasmpipe plugin in AssemblyScript. Extend Plugin, override
// configure / processMetrics / processLogs, call registerPlugin(new MyPlugin()), and export
// __guest_call from the entry file. See README.md.

export { Attributes } from './attributes';
export { Config, ConfigKind } from './config';
export {
  CONTRACT_VERSION,
  InstrumentKind,
  LogLevel,
  MetricType,
  Temporality,
} from './generated/contract';
export { Glob, GlobSet, globMatches } from './glob';
export {
  counter,
  gauge,
  histogram,
  hostError,
  log,
  logDebug,
  logError,
  logInfo,
  logWarn,
  MetricAttributes,
  now,
  stateDelete,
  stateGet,
  stateGetString,
  stateSet,
  stateSetString,
} from './host';
export { LogRecord, LogsBatch, ResourceLogs, ScopeLogs } from './logs';
export { Metric, MetricsBatch, ResourceMetrics, ScopeMetrics } from './metrics';
export { DataPoints } from './points';
export { Plugin, registerPlugin, reportAbort } from './plugin';
export { Resource, Scope } from './resource';
export { NO_STRING, StringTable } from './strings';
export { Value, ValueKind } from './value';
