// The plugin itself: a class with configure / processMetrics / processLogs, registered once. The
// SDK answers describe, reads the config and the batches, calls the plugin, and answers with the
// cheapest form the contract allows: nothing (unchanged), a selection (only drops), or the batch
// written back (changes).

import { handleAbort, register, Result } from '@wapc/as-guest';
import { Config } from './config';
import {
  CONTRACT_VERSION,
  OPERATION_CONFIGURE,
  OPERATION_DESCRIBE,
  OPERATION_PROCESS_LOGS,
  OPERATION_PROCESS_METRICS,
} from './generated/contract';
import { LogsBatch } from './logs';
import { MetricsBatch } from './metrics';
import { Writer } from './msgpack';

/** Extend this, override what the plugin does, and pass an instance to `registerPlugin`. */
export class Plugin {
  constructor(
    /** The plugin's name and version, as `describe` reports them. */
    public name: string,
    public version: string,
  ) {}

  /** True when the plugin handles metrics batches (override processMetrics too). */
  handlesMetrics(): bool {
    return false;
  }

  /** True when the plugin handles logs batches (override processLogs too). */
  handlesLogs(): bool {
    return false;
  }

  /** Applies the config; returns '' when it is valid, else the message that rejects it. */
  configure(config: Config): string {
    if (!config.isNil && !config.isMap) return 'The ' + this.name + ' config must be a map.';
    return config.isMap ? config.unknownKeys(new Array<string>()) : '';
  }

  /** Filters or changes one metrics batch in place. */
  processMetrics(batch: MetricsBatch): void {}

  /** Filters or changes one logs batch in place. */
  processLogs(batch: LogsBatch): void {}
}

let current: Plugin | null = null;
const answer = new Writer(64 * 1024);
// The answer of the call in progress, held here so the collection below cannot free it.
let pending: ArrayBuffer | null = null;

/**
 * Plugins are built with AssemblyScript's minimal runtime: nothing is collected while a batch is
 * processed, and everything the batch left behind is collected here, once per call, when nothing
 * but globals (and the answer, held above) is still in use. The incremental runtime collects in
 * the middle of allocations and, with AssemblyScript 0.20, corrupts its object lists after a few
 * dozen batches (an assertion in itcms unlink; reproducible with a plugin that does nothing).
 */
function answerAndCollect(bytes: ArrayBuffer): Result<ArrayBuffer> {
  pending = bytes;
  __collect();
  return Result.ok<ArrayBuffer>(<ArrayBuffer>pending);
}

/** Registers the plugin's operations with waPC. Call once, at the top level of the plugin's entry file. */
export function registerPlugin(plugin: Plugin): void {
  current = plugin;
  register(OPERATION_DESCRIBE, describe);
  register(OPERATION_CONFIGURE, configure);
  if (plugin.handlesMetrics()) register(OPERATION_PROCESS_METRICS, processMetrics);
  if (plugin.handlesLogs()) register(OPERATION_PROCESS_LOGS, processLogs);
}

function plugin(): Plugin {
  return <Plugin>current;
}

function describe(_payload: ArrayBuffer): Result<ArrayBuffer> {
  const self = plugin();
  const writer = new Writer(128);
  writer.writeMapHeader(4);
  writer.writeString('name');
  writer.writeString(self.name);
  writer.writeString('version');
  writer.writeString(self.version);
  writer.writeString('contractVersion');
  writer.writeString(CONTRACT_VERSION);
  writer.writeString('signals');
  const signals = (self.handlesMetrics() ? 1 : 0) + (self.handlesLogs() ? 1 : 0);
  writer.writeArrayHeader(signals);
  if (self.handlesMetrics()) writer.writeString('metrics');
  if (self.handlesLogs()) writer.writeString('logs');
  return Result.ok<ArrayBuffer>(writer.finish());
}

function configure(payload: ArrayBuffer): Result<ArrayBuffer> {
  const config = Config.parse(payload);
  if (config == null) return Result.error<ArrayBuffer>(new Error('The config is not valid msgpack.'));
  const problem = plugin().configure(config);
  if (problem.length > 0) return Result.error<ArrayBuffer>(new Error(problem));
  return answerAndCollect(new ArrayBuffer(0));
}

function processMetrics(payload: ArrayBuffer): Result<ArrayBuffer> {
  const batch = new MetricsBatch(payload);
  if (batch.failed) {
    return Result.error<ArrayBuffer>(new Error('The metrics batch is not in the contract layout.'));
  }
  plugin().processMetrics(batch);
  if (batch.pointsFailed) {
    return Result.error<ArrayBuffer>(new Error('The metrics batch is not in the contract layout.'));
  }
  answer.reset();
  if (batch.changed) {
    answer.writeMapHeader(1);
    answer.writeString('batch');
    batch.write(answer);
  } else if (batch.drops) {
    batch.writeSelection(answer);
  } else {
    answer.writeMapHeader(0);
  }
  return answerAndCollect(answer.finish());
}

function processLogs(payload: ArrayBuffer): Result<ArrayBuffer> {
  const batch = new LogsBatch(payload);
  if (batch.failed) return Result.error<ArrayBuffer>(new Error('The logs batch is not in the contract layout.'));
  plugin().processLogs(batch);
  answer.reset();
  if (batch.changed) {
    answer.writeMapHeader(1);
    answer.writeString('batch');
    batch.write(answer);
  } else if (batch.drops) {
    batch.writeSelection(answer);
  } else {
    answer.writeMapHeader(0);
  }
  return answerAndCollect(answer.finish());
}

/** Reports an AssemblyScript abort as a guest error before the trap that follows it. */
export function reportAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  handleAbort(message, fileName, line, column);
}
