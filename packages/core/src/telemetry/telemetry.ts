import { type Meter, metrics, type Attributes as OtelAttributes } from '@opentelemetry/api';
import type { Signal } from '../model/common.ts';

/** A monotonic counter of one component's activity. */
export interface Counter {
  add(value: number): void;
  readonly value: number;
}

/** A histogram of one component's measurements (durations, sizes). */
export interface Histogram {
  record(value: number): void;
}

/** Self-telemetry scoped to one component: every instrument carries `component.id`. */
export interface ComponentTelemetry {
  readonly componentId: string;
  /** The meter behind these instruments, for instruments a component defines while running (a plugin's own). */
  readonly meter?: Meter;
  /** A counter named as in METRICS.md, e.g. `wasmpipe.exporter.sent`, optionally per signal. */
  counter(name: string, signal?: Signal): Counter;
  /** A histogram, e.g. `wasmpipe.plugin.duration` in milliseconds. */
  histogram(name: string, unit: string, signal?: Signal): Histogram;
  /** A gauge read on demand, e.g. `wasmpipe.exporter.queue.size`. */
  gauge(name: string, read: () => number, signal?: Signal): void;
}

/** One counter or gauge value in a snapshot. */
export interface TelemetryValue {
  name: string;
  signal?: Signal;
  value: number;
}

/**
 * The process's self-telemetry. Instruments are recorded through `@opentelemetry/api` (so any
 * registered MeterProvider sees them) and also kept locally for the admin endpoint and tests.
 */
export class Telemetry {
  readonly #meter: Meter;
  readonly #counters = new Map<string, Map<string, { signal?: Signal; counter: Counter }>>();
  readonly #gauges = new Map<string, Map<string, { signal?: Signal; read: () => number }>>();

  constructor(meter: Meter = metrics.getMeter('wasmpipe')) {
    this.#meter = meter;
  }

  /** Telemetry for the component with this id. */
  forComponent(componentId: string): ComponentTelemetry {
    return {
      componentId,
      meter: this.#meter,
      counter: (name, signal) => this.#counter(componentId, name, signal),
      histogram: (name, unit, signal) => {
        const histogram = this.#meter.createHistogram(name, { unit });
        const attributes = attributesOf(componentId, signal);
        return { record: (value) => histogram.record(value, attributes) };
      },
      gauge: (name, read, signal) => {
        const key = signal ? `${name}|${signal}` : name;
        this.#entries(this.#gauges, componentId).set(key, { signal, read });
        const gauge = this.#meter.createObservableGauge(name);
        const attributes = attributesOf(componentId, signal);
        gauge.addCallback((result) => result.observe(read(), attributes));
      },
    };
  }

  /** Every counter and gauge, by component id. */
  snapshot(): Record<string, TelemetryValue[]> {
    const result: Record<string, TelemetryValue[]> = {};
    const valuesOf = (componentId: string): TelemetryValue[] => {
      result[componentId] ??= [];
      return result[componentId];
    };
    for (const [componentId, counters] of this.#counters) {
      const values = valuesOf(componentId);
      for (const [key, { signal, counter }] of counters) values.push(telemetryValue(key, signal, counter.value));
    }
    for (const [componentId, gauges] of this.#gauges) {
      const values = valuesOf(componentId);
      for (const [key, { signal, read }] of gauges) values.push(telemetryValue(key, signal, read()));
    }
    return result;
  }

  /** The current value of one counter or gauge, 0 when never recorded. */
  value(componentId: string, name: string, signal?: Signal): number {
    const key = signal ? `${name}|${signal}` : name;
    const counter = this.#counters.get(componentId)?.get(key);
    if (counter) return counter.counter.value;
    return this.#gauges.get(componentId)?.get(key)?.read() ?? 0;
  }

  #counter(componentId: string, name: string, signal?: Signal): Counter {
    const entries = this.#entries(this.#counters, componentId);
    const key = signal ? `${name}|${signal}` : name;
    const existing = entries.get(key);
    if (existing) return existing.counter;
    const instrument = this.#meter.createCounter(name);
    const attributes = attributesOf(componentId, signal);
    let total = 0;
    const counter: Counter = {
      add(value) {
        if (value <= 0) return;
        total += value;
        instrument.add(value, attributes);
      },
      get value() {
        return total;
      },
    };
    entries.set(key, { signal, counter });
    return counter;
  }

  #entries<T>(map: Map<string, Map<string, T>>, componentId: string): Map<string, T> {
    let entries = map.get(componentId);
    if (!entries) {
      entries = new Map();
      map.set(componentId, entries);
    }
    return entries;
  }
}

function attributesOf(componentId: string, signal?: Signal): OtelAttributes {
  return signal ? { 'component.id': componentId, signal } : { 'component.id': componentId };
}

function telemetryValue(key: string, signal: Signal | undefined, value: number): TelemetryValue {
  const name = signal ? key.slice(0, key.length - signal.length - 1) : key;
  return signal ? { name, signal, value } : { name, value };
}
