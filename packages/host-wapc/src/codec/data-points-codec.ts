// A metric's data points <-> the DataPoints column tuple (contracts/README.md, section 4): the
// shared columns (attributes, start times, times, flags, exemplars), then the value column the
// metric's type selects. Columns absent for every point travel as nil; trailing nil columns are
// left out.

import type {
  DataPointBase,
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  MetricData,
  NumberDataPoint,
  SummaryDataPoint,
} from '@wasmpipe/core';
import { DataPointsFields, METRIC_TYPE } from '../generated/contract.ts';
import {
  readExemplar,
  readExponentialHistogramValue,
  readHistogramValue,
  readSummaryValue,
  writeExemplar,
  writeExponentialHistogramValue,
  writeHistogramValue,
  writeSummaryValue,
} from '../generated/records.ts';
import { readAttributes, type StringTable, writeAttributes } from './any-value.ts';
import { NanosColumnReader, NanosColumnWriter } from './columns.ts';
import { type WireReader, wireError } from './wire-reader.ts';
import type { WireWriter } from './wire-writer.ts';

type AnyPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

const startTimes = new NanosColumnWriter();
const times = new NanosColumnWriter();

/** Writes the DataPoints tuple of `data` (the caller wraps it in a bin). */
export function writeDataPoints(writer: WireWriter, table: StringTable, data: MetricData): void {
  const points: readonly AnyPoint[] = data.dataPoints;
  const count = points.length;
  let anyStart = false;
  let anyFlags = false;
  let anyExemplars = false;
  let anyInteger = false;
  for (let index = 0; index < count; index++) {
    const point = points[index] as NumberDataPoint;
    if (point.startTimeUnixNano !== undefined) anyStart = true;
    if (point.flags) anyFlags = true;
    if (point.exemplars !== undefined && point.exemplars.length > 0) anyExemplars = true;
    if (point.isInteger) anyInteger = true;
  }
  const isNumber = data.type === 'gauge' || data.type === 'sum';
  // The tuple ends with the value column of this type; the columns after it are left out.
  const fields = isNumber
    ? DataPointsFields.numbers + 1
    : data.type === 'histogram'
      ? DataPointsFields.histograms + 1
      : data.type === 'exponential_histogram'
        ? DataPointsFields.exponentialHistograms + 1
        : DataPointsFields.summaries + 1;
  writer.arrayHeader(fields);
  writer.uint(count);
  writer.arrayHeader(count);
  for (let index = 0; index < count; index++) writeAttributes(writer, table, (points[index] as AnyPoint).attributes);
  if (anyStart) {
    writer.binHeader(count * 8);
    for (let index = 0; index < count; index++, writer.position += 8) {
      startTimes.write(writer.view, writer.position, (points[index] as AnyPoint).startTimeUnixNano);
    }
  } else writer.nil();
  writer.binHeader(count * 8);
  for (let index = 0; index < count; index++, writer.position += 8) {
    times.write(writer.view, writer.position, (points[index] as AnyPoint).timeUnixNano);
  }
  if (anyFlags) {
    writer.binHeader(count * 4);
    for (let index = 0; index < count; index++, writer.position += 4) {
      writer.view.setUint32(writer.position, (points[index] as AnyPoint).flags ?? 0, true);
    }
  } else writer.nil();
  if (anyExemplars) {
    writer.arrayHeader(count);
    for (let index = 0; index < count; index++) writeExemplars(writer, table, (points[index] as AnyPoint).exemplars);
  } else writer.nil();
  if (isNumber && anyInteger) {
    const bytes = Math.ceil(count / 8);
    writer.binHeader(bytes);
    writer.bytes.fill(0, writer.position, writer.position + bytes);
    for (let index = 0; index < count; index++) {
      if ((points[index] as NumberDataPoint).isInteger)
        writer.bytes[writer.position + (index >>> 3)]! |= 1 << (index & 7);
    }
    writer.position += bytes;
  } else writer.nil();
  if (isNumber) {
    writer.binHeader(count * 8);
    for (let index = 0; index < count; index++, writer.position += 8) {
      writer.view.setFloat64(writer.position, (points[index] as NumberDataPoint).value, true);
    }
    return;
  }
  writer.nil();
  if (data.type === 'histogram') {
    writer.arrayHeader(count);
    for (const point of data.dataPoints) writeHistogramValue(writer, table, point);
    return;
  }
  writer.nil();
  if (data.type === 'exponential_histogram') {
    writer.arrayHeader(count);
    for (const point of data.dataPoints) writeExponentialHistogramValue(writer, table, point);
    return;
  }
  writer.nil();
  writer.arrayHeader(count);
  for (const point of (data as { dataPoints: SummaryDataPoint[] }).dataPoints) writeSummaryValue(writer, table, point);
}

function writeExemplars(writer: WireWriter, table: StringTable, exemplars: Exemplar[] | undefined): void {
  if (exemplars === undefined || exemplars.length === 0) {
    writer.nil();
    return;
  }
  writer.arrayHeader(exemplars.length);
  for (const exemplar of exemplars) writeExemplar(writer, table, exemplar);
}

/** The columns of one DataPoints tuple, located but not yet turned into points. */
interface Columns {
  count: number;
  attributes: DataPointBase['attributes'][];
  startTimes: number;
  times: number;
  flags: number;
  exemplars: (Exemplar[] | undefined)[] | undefined;
  integers: number;
  numbers: number;
  values: unknown[] | undefined;
}

/** Reads a DataPoints tuple (the bin's contents) into the points of a metric of type `typeCode`. */
export function readDataPoints(reader: WireReader, typeCode: number): AnyPoint[] {
  const columns = readColumns(reader, typeCode);
  const { count, attributes } = columns;
  const view = reader.view;
  const startReader = new NanosColumnReader();
  const timeReader = new NanosColumnReader();
  const points = new Array<AnyPoint>(count);
  for (let index = 0; index < count; index++) {
    const timeUnixNano = timeReader.read(view, columns.times + index * 8) ?? 0n;
    let point: AnyPoint;
    if (columns.numbers >= 0) {
      const value = view.getFloat64(columns.numbers + index * 8, true);
      point = { attributes: attributes[index]!, timeUnixNano, value };
      const integers = columns.integers;
      if (integers >= 0 && ((reader.bytes[integers + (index >>> 3)] as number) & (1 << (index & 7))) !== 0) {
        point.isInteger = true;
      }
    } else {
      point = { attributes: attributes[index]!, timeUnixNano, ...(columns.values?.[index] as object) } as AnyPoint;
    }
    if (columns.startTimes >= 0) {
      const start = startReader.read(view, columns.startTimes + index * 8);
      if (start !== undefined) point.startTimeUnixNano = start;
    }
    if (columns.flags >= 0) {
      const flags = view.getUint32(columns.flags + index * 4, true);
      if (flags !== 0) point.flags = flags;
    }
    const exemplars = columns.exemplars?.[index];
    if (exemplars !== undefined) point.exemplars = exemplars;
    points[index] = point;
  }
  return points;
}

// Byte offsets of packed columns are kept (-1 when absent); lists are read at once.
function readColumns(reader: WireReader, typeCode: number): Columns {
  const fields = reader.arrayHeader('DataPoints');
  if (fields < DataPointsFields.times + 1) throw wireError('DataPoints', 'a tuple of at least 4 fields', `${fields}`);
  const count = reader.uint('DataPoints.count');
  const listed = reader.arrayHeader('DataPoints.attributes');
  if (listed !== count) throw wireError('DataPoints.attributes', `${count} elements`, `${listed}`);
  const attributes = new Array<DataPointBase['attributes']>(count);
  for (let index = 0; index < count; index++) attributes[index] = readAttributes(reader, 'DataPoints.attributes');
  const columns: Columns = {
    count,
    attributes,
    startTimes: packed(reader, 'DataPoints.startTimes', count * 8, true),
    times: packed(reader, 'DataPoints.times', count * 8, false),
    flags: -1,
    exemplars: undefined,
    integers: -1,
    numbers: -1,
    values: undefined,
  };
  const isNumber = typeCode === METRIC_TYPE.gauge || typeCode === METRIC_TYPE.sum;
  for (let field: number = DataPointsFields.flags; field < fields; field++) {
    switch (field) {
      case DataPointsFields.flags:
        columns.flags = packed(reader, 'DataPoints.flags', count * 4, true);
        break;
      case DataPointsFields.exemplars:
        columns.exemplars = readExemplarColumn(reader, count);
        break;
      case DataPointsFields.integers:
        columns.integers = packed(reader, 'DataPoints.integers', Math.ceil(count / 8), true);
        break;
      case DataPointsFields.numbers:
        if (reader.nil()) break;
        if (!isNumber) throw wireError('DataPoints.numbers', 'nil for this metric type', 'a value');
        columns.numbers = packed(reader, 'DataPoints.numbers', count * 8, false);
        break;
      case DataPointsFields.histograms:
        columns.values =
          valueColumn(reader, 'histograms', count, typeCode === METRIC_TYPE.histogram, readHistogramValue) ??
          columns.values;
        break;
      case DataPointsFields.exponentialHistograms:
        columns.values =
          valueColumn(
            reader,
            'exponentialHistograms',
            count,
            typeCode === METRIC_TYPE.exponential_histogram,
            readExponentialHistogramValue,
          ) ?? columns.values;
        break;
      case DataPointsFields.summaries:
        columns.values =
          valueColumn(reader, 'summaries', count, typeCode === METRIC_TYPE.summary, readSummaryValue) ?? columns.values;
        break;
      default:
        reader.skip('DataPoints');
    }
  }
  if (isNumber ? columns.numbers < 0 : columns.values === undefined) {
    throw wireError('DataPoints', `the value column of metric type ${typeCode}`, 'nil');
  }
  return columns;
}

/** A packed column's byte offset, checking its length; -1 for nil when `optional`. */
function packed(reader: WireReader, what: string, length: number, optional: boolean): number {
  if (optional && reader.nil()) return -1;
  const actual = reader.binHeader(what);
  if (actual !== length) throw wireError(what, `${length} bytes`, `${actual}`);
  const at = reader.position;
  reader.position += actual;
  return at;
}

function readExemplarColumn(reader: WireReader, count: number): (Exemplar[] | undefined)[] | undefined {
  if (reader.nil()) return undefined;
  const listed = reader.arrayHeader('DataPoints.exemplars');
  if (listed !== count) throw wireError('DataPoints.exemplars', `${count} elements`, `${listed}`);
  const column = new Array<Exemplar[] | undefined>(count);
  for (let index = 0; index < count; index++) {
    if (reader.nil()) continue;
    const size = reader.arrayHeader('DataPoints.exemplars[]');
    const exemplars = new Array<Exemplar>(size);
    for (let item = 0; item < size; item++) exemplars[item] = readExemplar(reader);
    column[index] = exemplars;
  }
  return column;
}

function valueColumn<T>(
  reader: WireReader,
  name: string,
  count: number,
  selected: boolean,
  read: (reader: WireReader) => T,
): T[] | undefined {
  const what = `DataPoints.${name}`;
  if (reader.nil()) return undefined;
  if (!selected) throw wireError(what, 'nil for this metric type', 'a value');
  const listed = reader.arrayHeader(what);
  if (listed !== count) throw wireError(what, `${count} elements`, `${listed}`);
  const values = new Array<T>(count);
  for (let index = 0; index < count; index++) values[index] = read(reader);
  return values;
}
