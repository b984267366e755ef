// A plugin's own metrics (the `metric` host call), recorded through @opentelemetry/api as
// `wasmpipe.plugin.custom.<name>` with the plugin's `component.id` and the attributes the guest
// sent. Bounded, because a guest chooses the names: a plugin gets at most MAX_INSTRUMENTS names
// and MAX_ATTRIBUTES attributes per point; past that the call fails with a host error.

import { type Attributes, type Meter, metrics } from '@opentelemetry/api';

/** The instrument kinds of the contract's InstrumentKind. */
export type InstrumentKindName = 'counter' | 'gauge' | 'histogram';

/** The prefix of every plugin-defined metric name. */
export const CUSTOM_METRIC_PREFIX = 'wasmpipe.plugin.custom.';
const MAX_INSTRUMENTS = 100;
const MAX_ATTRIBUTES = 16;
const MAX_GAUGE_SERIES = 1000;
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

interface Instrument {
  kind: InstrumentKindName;
  record(value: number, attributes: Attributes): void;
  /** Counter: the sum; gauge: the last value; histogram: the number of records. */
  local: number;
}

/** The metrics one plugin (one component id) records. */
export class PluginMetrics {
  readonly #meter: Meter;
  readonly #componentId: string;
  readonly #instruments = new Map<string, Instrument>();

  constructor(componentId: string, meter: Meter = metrics.getMeter('wasmpipe')) {
    this.#componentId = componentId;
    this.#meter = meter;
  }

  /** Records one value; throws with a message the guest reads when the call is not acceptable. */
  record(kind: InstrumentKindName, name: string, value: number, attributes?: Record<string, unknown>): void {
    if (!NAME.test(name)) {
      throw new Error(`Metric name "${name}" is not valid: use letters, digits, "_", "." and "-" (at most 128).`);
    }
    if (!Number.isFinite(value)) throw new Error(`Metric "${name}" got a value that is not a finite number.`);
    if (kind === 'counter' && value < 0) throw new Error(`Counter "${name}" cannot add a negative value (${value}).`);
    const instrument = this.#instrument(kind, name);
    const point: Attributes = { 'component.id': this.#componentId };
    if (attributes) {
      const keys = Object.keys(attributes);
      if (keys.length > MAX_ATTRIBUTES) {
        throw new Error(`Metric "${name}" has ${keys.length} attributes; at most ${MAX_ATTRIBUTES} are accepted.`);
      }
      for (const key of keys) point[key] = attributeValue(attributes[key]);
    }
    instrument.record(value, point);
  }

  /** What was recorded, by full metric name (counter: sum; gauge: last; histogram: count). */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#instruments].map(([name, instrument]) => [name, instrument.local]));
  }

  #instrument(kind: InstrumentKindName, name: string): Instrument {
    const fullName = CUSTOM_METRIC_PREFIX + name;
    const existing = this.#instruments.get(fullName);
    if (existing) {
      if (existing.kind !== kind)
        throw new Error(`Metric "${name}" is a ${existing.kind}; it cannot be used as a ${kind}.`);
      return existing;
    }
    if (this.#instruments.size >= MAX_INSTRUMENTS) {
      throw new Error(`The plugin already defined ${MAX_INSTRUMENTS} metrics; "${name}" was refused.`);
    }
    const instrument = this.#create(kind, fullName);
    this.#instruments.set(fullName, instrument);
    return instrument;
  }

  #create(kind: InstrumentKindName, fullName: string): Instrument {
    if (kind === 'counter') {
      const counter = this.#meter.createCounter(fullName);
      const instrument: Instrument = {
        kind,
        local: 0,
        record(value, attributes) {
          instrument.local += value;
          counter.add(value, attributes);
        },
      };
      return instrument;
    }
    if (kind === 'histogram') {
      const histogram = this.#meter.createHistogram(fullName);
      const instrument: Instrument = {
        kind,
        local: 0,
        record(value, attributes) {
          instrument.local += 1;
          histogram.record(value, attributes);
        },
      };
      return instrument;
    }
    // A gauge reports the last value set for each attribute set when the meter collects.
    const lastValues = new Map<string, { value: number; attributes: Attributes }>();
    const gauge = this.#meter.createObservableGauge(fullName);
    gauge.addCallback((result) => {
      for (const { value, attributes } of lastValues.values()) result.observe(value, attributes);
    });
    const instrument: Instrument = {
      kind,
      local: 0,
      record(value, attributes) {
        const key = JSON.stringify(Object.entries(attributes).sort());
        if (!lastValues.has(key) && lastValues.size >= MAX_GAUGE_SERIES) {
          throw new Error(`Gauge "${fullName}" already has ${MAX_GAUGE_SERIES} attribute sets; a new one was refused.`);
        }
        instrument.local = value;
        lastValues.set(key, { value, attributes });
      },
    };
    return instrument;
  }
}

function attributeValue(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value) ?? String(value);
}
