// A batch between plugins: the object a plugin call returns looks like any MetricsBatch or
// LogsBatch, but it may hold the batch as bytes only. The next plugin takes those bytes as they
// are; the record tree is decoded only when something else reads `resourceMetrics` (or
// `resourceLogs`), so a chain of plugins costs one encode at its start and at most one decode at
// its end. Reading the tree hands it to the reader: from then on the object is a plain batch and
// the bytes are dropped (the reader may change the tree).

import { ITEM_COUNT, type LogsBatch, type MetricsBatch, type ResourceLogs, type ResourceMetrics } from '@wasmpipe/core';
import { newScanCounts, scanLogsBatch, scanMetricsBatch } from '../generated/scan.ts';
import { decodeLogs, encodeLogs } from './logs-codec.ts';
import { BatchEncoder, decodeMetrics } from './metrics-codec.ts';
import { decodeProcessResult } from './process-result.ts';
import { applyLogsSelection, applyMetricsSelection } from './selection.ts';
import { applyLogsSelectionToBytes, applyMetricsSelectionToBytes } from './selection-bytes.ts';
import { WireReader, wireError } from './wire-reader.ts';

const WIRE = Symbol('wasmpipe.wire');

/** A selection not yet applied to the bytes (it was applied to the tree). */
interface Pending {
  keep: Uint8Array | undefined;
  keepPoints: Uint8Array | undefined;
}

/** What a wire batch holds: the tree, the bytes, or both (bytes perhaps with a pending selection). */
interface WireState<Resources> {
  tree: Resources[] | undefined;
  bytes: Uint8Array | undefined;
  pending: Pending | undefined;
  /** Data points (metrics) or log records. */
  items: number;
  resources: number;
}

type Holder<Resources> = { [WIRE]?: WireState<Resources> };

const encoder = new BatchEncoder();

/** What a scan of a batch's bytes found. */
export interface BatchCounts {
  /** Data points or log records. */
  items: number;
  /** Metrics (0 for logs). */
  metrics: number;
  resources: number;
}

/** Checks the structure of a metrics batch's bytes without building objects; throws on anything malformed. */
export function scanMetricsBytes(bytes: Uint8Array): BatchCounts {
  const reader = new WireReader(bytes);
  const counts = newScanCounts();
  scanMetricsBatch(reader, counts);
  if (reader.position !== bytes.length) throw wireError('MetricsBatch', 'the whole payload', 'trailing bytes');
  return { items: counts.DataPoints, metrics: counts.Metric, resources: counts.ResourceMetrics };
}

/** Checks the structure of a logs batch's bytes without building objects; throws on anything malformed. */
export function scanLogsBytes(bytes: Uint8Array): BatchCounts {
  const reader = new WireReader(bytes);
  const counts = newScanCounts();
  scanLogsBatch(reader, counts);
  if (reader.position !== bytes.length) throw wireError('LogsBatch', 'the whole payload', 'trailing bytes');
  return { items: counts.LogRecord, metrics: 0, resources: counts.ResourceLogs };
}

/** The bytes of a metrics batch: those it already holds (a plugin's output), else freshly encoded. */
export function encodeMetricsBatch(batch: MetricsBatch): Uint8Array {
  const state = (batch as Holder<ResourceMetrics>)[WIRE];
  if (!state) return encoder.encodeMetrics(batch);
  if (state.bytes === undefined) state.bytes = encoder.encodeMetrics({ resourceMetrics: state.tree ?? [] });
  else if (state.pending) {
    state.bytes = applyMetricsSelectionToBytes(state.bytes, state.pending.keep, state.pending.keepPoints).bytes;
    state.pending = undefined;
  }
  return state.bytes;
}

/** The bytes of a logs batch: those it already holds (a plugin's output), else freshly encoded. */
export function encodeLogsBatch(batch: LogsBatch): Uint8Array {
  const state = (batch as Holder<ResourceLogs>)[WIRE];
  if (!state) return encodeLogs(encoder, batch);
  if (state.bytes === undefined) state.bytes = encodeLogs(encoder, { resourceLogs: state.tree ?? [] });
  else if (state.pending?.keep) {
    state.bytes = applyLogsSelectionToBytes(state.bytes, state.pending.keep).bytes;
    state.pending = undefined;
  }
  return state.bytes;
}

/** Decodes a metrics batch's bytes into a plain record tree, checking every field. */
export function decodeMetricsBatch(bytes: Uint8Array): MetricsBatch {
  return decodeMetrics(bytes);
}

/** Decodes a logs batch's bytes into a plain record tree, checking every field. */
export function decodeLogsBatch(bytes: Uint8Array): LogsBatch {
  return decodeLogs(bytes);
}

/** A metrics batch held as checked bytes, decoded only when its tree is read. */
export function metricsBatchFromBytes(bytes: Uint8Array): MetricsBatch {
  const counts = scanMetricsBytes(bytes);
  return wrap<ResourceMetrics, MetricsBatch>('resourceMetrics', decodeMetrics, {
    tree: undefined,
    bytes,
    pending: undefined,
    items: counts.items,
    resources: counts.resources,
  });
}

/** A logs batch held as checked bytes, decoded only when its tree is read. */
export function logsBatchFromBytes(bytes: Uint8Array): LogsBatch {
  const counts = scanLogsBytes(bytes);
  return wrap<ResourceLogs, LogsBatch>('resourceLogs', decodeLogs, {
    tree: undefined,
    bytes,
    pending: undefined,
    items: counts.items,
    resources: counts.resources,
  });
}

/**
 * Applies a plugin's answer to the batch it was given (`input` are the bytes it was given):
 * unchanged, a selection (applied to the tree when the host holds one, else to the bytes), or a
 * replacement (checked by a scan, kept as bytes). Throws, leaving `batch` as it was, when the
 * answer breaks the contract.
 */
export function applyMetricsAnswer(batch: MetricsBatch, input: Uint8Array, answer: Uint8Array): MetricsBatch {
  const result = decodeProcessResult(answer);
  if (result.kind === 'replace') return metricsBatchFromBytes(result.batch);
  const held = (batch as Holder<ResourceMetrics>)[WIRE] !== undefined;
  const state = stateOf<ResourceMetrics>(batch, 'resourceMetrics', input);
  if (result.kind === 'keep') {
    if (state.tree) {
      const tree = applyMetricsSelection(
        { resourceMetrics: state.tree },
        result.keep,
        result.keepPoints,
      ).resourceMetrics;
      state.tree = tree;
      state.pending = { keep: result.keep, keepPoints: result.keepPoints };
      state.items = countTreePoints(tree);
      state.resources = tree.length;
    } else {
      const selected = applyMetricsSelectionToBytes(state.bytes as Uint8Array, result.keep, result.keepPoints);
      state.bytes = selected.bytes;
      state.items = selected.points;
      state.resources = selected.resources;
    }
  }
  return held ? batch : wrap<ResourceMetrics, MetricsBatch>('resourceMetrics', decodeMetrics, state);
}

/** {@link applyMetricsAnswer} for logs. */
export function applyLogsAnswer(batch: LogsBatch, input: Uint8Array, answer: Uint8Array): LogsBatch {
  const result = decodeProcessResult(answer);
  if (result.kind === 'replace') return logsBatchFromBytes(result.batch);
  if (result.kind === 'keep' && result.keepPoints) {
    throw wireError('ProcessResult.keepPoints', 'absent for a logs batch', 'a bitmap');
  }
  const held = (batch as Holder<ResourceLogs>)[WIRE] !== undefined;
  const state = stateOf<ResourceLogs>(batch, 'resourceLogs', input);
  if (result.kind === 'keep' && result.keep) {
    if (state.tree) {
      const tree = applyLogsSelection({ resourceLogs: state.tree }, result.keep).resourceLogs;
      state.tree = tree;
      state.pending = { keep: result.keep, keepPoints: undefined };
      state.items = countTreeRecords(tree);
      state.resources = tree.length;
    } else {
      const selected = applyLogsSelectionToBytes(state.bytes as Uint8Array, result.keep);
      state.bytes = selected.bytes;
      state.items = selected.items;
      state.resources = selected.resources;
    }
  }
  return held ? batch : wrap<ResourceLogs, LogsBatch>('resourceLogs', decodeLogs, state);
}

/** True when a batch has no resources left, without decoding a wire batch. */
export function isEmptyBatch(batch: MetricsBatch | LogsBatch): boolean {
  const state = (batch as Holder<unknown>)[WIRE];
  if (state) return state.resources === 0;
  return 'resourceMetrics' in batch ? batch.resourceMetrics.length === 0 : batch.resourceLogs.length === 0;
}

/** True when the batch is held as bytes a plugin produced and nothing has read its tree yet. */
export function isWireBatch(batch: MetricsBatch | LogsBatch): boolean {
  return (batch as Holder<unknown>)[WIRE] !== undefined;
}

// The state of a batch handed to a plugin: its own, or a new one for a plain batch (whose tree
// the host now owns, as the caller handed it over).
function stateOf<Resources>(batch: object, key: string, input: Uint8Array): WireState<Resources> {
  const existing = (batch as Holder<Resources>)[WIRE];
  if (existing) {
    // The input bytes are the state's bytes with any pending selection applied.
    existing.bytes = input;
    existing.pending = undefined;
    return existing;
  }
  const tree = (batch as Record<string, Resources[]>)[key] as Resources[];
  const items =
    key === 'resourceMetrics'
      ? countTreePoints(tree as unknown as ResourceMetrics[])
      : countTreeRecords(tree as unknown as ResourceLogs[]);
  return { tree, bytes: input, pending: undefined, items, resources: tree.length };
}

function wrap<Resources, Batch>(key: string, decode: (bytes: Uint8Array) => Batch, state: WireState<Resources>): Batch {
  const batch = {} as Record<string | symbol, unknown>;
  const settle = (tree: Resources[]) => {
    Object.defineProperty(batch, key, { value: tree, writable: true, enumerable: true, configurable: true });
    delete batch[WIRE];
    delete batch[ITEM_COUNT];
    return tree;
  };
  Object.defineProperty(batch, key, {
    enumerable: true,
    configurable: true,
    get: () =>
      settle(state.tree ?? ((decode(state.bytes as Uint8Array) as Record<string, unknown>)[key] as Resources[])),
    set: (tree: Resources[]) => settle(tree),
  });
  Object.defineProperty(batch, WIRE, { value: state, configurable: true });
  Object.defineProperty(batch, ITEM_COUNT, { get: () => state.items, configurable: true });
  return batch as Batch;
}

function countTreePoints(tree: readonly ResourceMetrics[]): number {
  let count = 0;
  for (const resourceMetrics of tree) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) count += metric.data.dataPoints.length;
    }
  }
  return count;
}

function countTreeRecords(tree: readonly ResourceLogs[]): number {
  let count = 0;
  for (const resourceLogs of tree) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  return count;
}
