// Test-only: seeded random batches for property tests of the encoders and decoders. Every metric
// type, every AnyValue kind (nested), and the numbers that trip wire formats (negative, 2^31,
// 2^32, 2^53, NaN, infinities, -0, subnormals). Fields newer than the official 0.52.1 schema
// (Metric.metadata, LogRecord.event_name) are left out so that schema can check the result.

import type {
  AnyValue,
  Attributes,
  Exemplar,
  LogRecord,
  LogsBatch,
  Metric,
  MetricsBatch,
  NumberDataPoint,
} from '@wasmpipe/core';

/** A small deterministic PRNG (mulberry32). */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** An integer in [0, limit). */
  below(limit: number): number {
    return Math.floor(this.next() * limit);
  }
  pick<T>(values: readonly T[]): T {
    return values[this.below(values.length)] as T;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

const INTEGERS = [0, 1, -1, 127, 128, -128, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1)];
const DOUBLES = [
  0.5,
  -0.25,
  1e-310,
  1.7976931348623157e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Math.PI,
];
const BIGINTS = [2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, -(2n ** 53n) - 7n];
const STRINGS = ['', 'a', 'héllo', '✓ 𝄞 emoji 😀', 'x'.repeat(130), 'ü'.repeat(70), '\u0000nul'];
const UNITS = ['', 's', 'ms', 'By', '{request}', '1', 'By/s'];

/** The first `count` code points of a string (never half a surrogate pair). */
function prefix(text: string, count: number): string {
  return Array.from(text).slice(0, count).join('');
}

/** A random time in nanoseconds after 2023, or 0. */
function time(random: Random): bigint {
  return random.chance(0.1) ? 0n : 1_700_000_000_000_000_000n + BigInt(random.below(2 ** 30)) * 1_000_003n;
}

function bytes(random: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => random.below(256));
}

/** A random AnyValue, nested up to `depth` levels. */
export function randomAnyValue(random: Random, depth = 3): AnyValue {
  switch (random.below(depth > 0 ? 9 : 7)) {
    case 0:
      return random.pick(STRINGS) + String(random.below(1000));
    case 1:
      return random.chance(0.5);
    case 2:
      return random.pick(INTEGERS) + (random.chance(0.5) ? 0 : random.below(1000));
    case 3:
      return random.chance(0.5) ? random.pick(DOUBLES) : (random.next() - 0.5) * 10 ** random.below(20);
    case 4:
      return random.pick(BIGINTS);
    case 5:
      return bytes(random, random.below(20));
    case 6:
      return null;
    case 7:
      return Array.from({ length: random.below(4) }, () => randomAnyValue(random, depth - 1));
    default:
      return randomAttributes(random, random.below(4), depth - 1);
  }
}

/** Random attributes with distinct keys. */
export function randomAttributes(random: Random, count: number, depth = 2): Attributes {
  const attributes: Attributes = {};
  for (let index = 0; index < count; index++)
    attributes[`${prefix(random.pick(STRINGS), 8)}key.${index}`] = randomAnyValue(random, depth);
  return attributes;
}

function exemplars(random: Random): Exemplar[] | undefined {
  if (random.chance(0.6)) return undefined;
  return Array.from({ length: random.below(3) }, () => {
    const exemplar: Exemplar = {
      filteredAttributes: randomAttributes(random, random.below(2)),
      timeUnixNano: time(random),
      ...numberValue(random),
    };
    if (random.chance(0.5)) exemplar.traceId = bytes(random, 16);
    if (random.chance(0.5)) exemplar.spanId = bytes(random, 8);
    return exemplar;
  });
}

function numberValue(random: Random): { value: number; isInteger?: boolean } {
  return random.chance(0.5)
    ? { value: random.pick(INTEGERS) - random.below(100), isInteger: true }
    : { value: random.chance(0.3) ? random.pick(DOUBLES) : random.next() * 1e6 };
}

function base(random: Random): Pick<NumberDataPoint, 'attributes' | 'timeUnixNano' | 'startTimeUnixNano' | 'flags'> {
  const point: Pick<NumberDataPoint, 'attributes' | 'timeUnixNano' | 'startTimeUnixNano' | 'flags'> = {
    attributes: randomAttributes(random, random.below(4)),
    timeUnixNano: time(random),
  };
  if (random.chance(0.7)) point.startTimeUnixNano = time(random);
  if (random.chance(0.2)) point.flags = 1;
  return point;
}

function counts(random: Random, length: number): number[] {
  return Array.from({ length }, () => (random.chance(0.1) ? 2 ** 40 + random.below(9) : random.below(1000)));
}

function randomMetric(random: Random, index: number): Metric {
  const points = random.below(5);
  const temporality = random.pick(['delta', 'cumulative'] as const);
  const metric: Metric = {
    name: `metric.${index}.${prefix(random.pick(STRINGS), 4)}`,
    data: { type: 'gauge', dataPoints: [] },
  };
  if (random.chance(0.5)) metric.description = random.pick(STRINGS) || 'described';
  const unit = random.pick(UNITS);
  if (unit) metric.unit = unit;
  const optional = <T>(make: () => T): T | undefined => (random.chance(0.7) ? make() : undefined);
  switch (random.below(5)) {
    case 0:
      metric.data = {
        type: 'gauge',
        dataPoints: Array.from({ length: points }, () => ({
          ...base(random),
          ...numberValue(random),
          exemplars: exemplars(random),
        })),
      };
      break;
    case 1:
      metric.data = {
        type: 'sum',
        aggregationTemporality: temporality,
        isMonotonic: random.chance(0.5),
        dataPoints: Array.from({ length: points }, () => ({
          ...base(random),
          ...numberValue(random),
          exemplars: exemplars(random),
        })),
      };
      break;
    case 2:
      metric.data = {
        type: 'histogram',
        aggregationTemporality: temporality,
        dataPoints: Array.from({ length: points }, () => {
          const bounds = Array.from({ length: random.below(6) }, (_, bound) => bound * 0.5 - 1);
          return {
            ...base(random),
            count: random.below(10_000),
            sum: optional(() => random.next() * 100),
            bucketCounts: random.chance(0.1) ? [] : counts(random, bounds.length + 1),
            explicitBounds: bounds,
            min: optional(() => -random.next()),
            max: optional(() => random.next() * 1e9),
            exemplars: exemplars(random),
          };
        }),
      };
      break;
    case 3:
      metric.data = {
        type: 'exponential_histogram',
        aggregationTemporality: temporality,
        dataPoints: Array.from({ length: points }, () => ({
          ...base(random),
          count: random.below(2 ** 20),
          sum: optional(() => random.next() * 100),
          scale: random.below(41) - 10,
          zeroCount: random.below(10),
          positive: { offset: random.below(200) - 100, bucketCounts: counts(random, random.below(8)) },
          negative: { offset: random.below(200) - 100, bucketCounts: counts(random, random.below(4)) },
          min: optional(() => -random.next()),
          max: optional(() => random.next()),
          zeroThreshold: optional(() => random.next() / 1e6),
          exemplars: exemplars(random),
        })),
      };
      break;
    default:
      metric.data = {
        type: 'summary',
        dataPoints: Array.from({ length: points }, () => ({
          ...base(random),
          count: random.below(1000),
          sum: random.chance(0.2) ? 0 : random.next() * 1000,
          quantileValues: [0, 0.5, 0.99, 1]
            .slice(0, random.below(5))
            .map((quantile) => ({ quantile, value: random.next() })),
        })),
      };
  }
  for (const point of metric.data.dataPoints as { exemplars?: unknown }[])
    if (point.exemplars === undefined) delete point.exemplars;
  for (const point of metric.data.dataPoints as unknown as Record<string, unknown>[]) {
    for (const key of ['sum', 'min', 'max', 'zeroThreshold']) if (point[key] === undefined) delete point[key];
  }
  return metric;
}

/** A random metrics batch of a few resources, scopes and metrics of every type. */
export function randomMetricsBatch(random: Random): MetricsBatch {
  let index = 0;
  return {
    resourceMetrics: Array.from({ length: 1 + random.below(3) }, () => ({
      resource: {
        attributes: randomAttributes(random, random.below(5)),
        ...(random.chance(0.2) ? { droppedAttributesCount: random.below(9) + 1 } : {}),
      },
      ...(random.chance(0.5) ? { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' } : {}),
      scopeMetrics: Array.from({ length: random.below(3) }, () => ({
        scope: {
          name: prefix(random.pick(STRINGS), 12),
          ...(random.chance(0.5) ? { version: '1.2.3' } : {}),
          ...(random.chance(0.3) ? { attributes: randomAttributes(random, 1 + random.below(2)) } : {}),
        },
        metrics: Array.from({ length: random.below(6) }, () => randomMetric(random, index++)),
      })),
    })),
  };
}

/** A random logs batch with every field and body kind. */
export function randomLogsBatch(random: Random): LogsBatch {
  return {
    resourceLogs: Array.from({ length: 1 + random.below(3) }, () => ({
      resource: { attributes: randomAttributes(random, random.below(5)) },
      scopeLogs: Array.from({ length: random.below(3) }, () => ({
        scope: { name: prefix(random.pick(STRINGS), 12), ...(random.chance(0.5) ? { version: '0.1' } : {}) },
        ...(random.chance(0.3) ? { schemaUrl: 'https://opentelemetry.io/schemas/1.25.0' } : {}),
        logRecords: Array.from({ length: random.below(8) }, () => {
          const record: LogRecord = {
            observedTimeUnixNano: time(random),
            attributes: randomAttributes(random, random.below(5)),
          };
          if (random.chance(0.7)) record.timeUnixNano = time(random);
          if (random.chance(0.7)) record.severityNumber = 1 + random.below(24);
          if (random.chance(0.5)) record.severityText = random.pick(['INFO', 'WARN', 'error', 'Fatal']);
          if (random.chance(0.8)) record.body = randomAnyValue(random);
          if (random.chance(0.2)) record.droppedAttributesCount = random.below(5) + 1;
          if (random.chance(0.3)) record.flags = random.pick([1, 0xff, 0xffffffff]);
          if (random.chance(0.5)) record.traceId = bytes(random, 16);
          if (random.chance(0.5)) record.spanId = bytes(random, 8);
          return record;
        }),
      })),
    })),
  };
}
